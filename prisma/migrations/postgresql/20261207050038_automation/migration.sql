-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "groupName" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "expression" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "startDate" BIGINT,
    "endDate" BIGINT,
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "flexibleWindowMinutes" INTEGER,
    "target" TEXT NOT NULL,
    "roleArn" TEXT,
    "missedFirePolicy" TEXT NOT NULL DEFAULT 'LATEST',
    "overlapPolicy" TEXT NOT NULL DEFAULT 'ALLOW',
    "actionAfterCompletion" TEXT NOT NULL DEFAULT 'NONE',
    "nextFireAt" BIGINT,
    "createdById" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleFire" (
    "id" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "slot" BIGINT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'SCHEDULE',
    "status" TEXT NOT NULL,
    "jobId" TEXT,
    "reason" TEXT,
    "firedAt" BIGINT NOT NULL,

    CONSTRAINT "ScheduleFire_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventRule" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "eventPattern" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "EventRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventTarget" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "batchParameters" TEXT,
    "input" TEXT,
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "EventTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventConnection" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "authorizationType" TEXT NOT NULL,
    "authHeaderName" TEXT,
    "authHeaderSealed" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "EventConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiDestination" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "connectionId" TEXT NOT NULL,
    "invocationEndpoint" TEXT NOT NULL,
    "httpMethod" TEXT NOT NULL DEFAULT 'POST',
    "signingSecretSealed" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'ACTIVE',
    "stateReason" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "ApiDestination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobStateEvent" (
    "seq" SERIAL NOT NULL,
    "organizationId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusReason" TEXT,
    "at" BIGINT NOT NULL,

    CONSTRAINT "JobStateEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "EventDelivery" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "ruleName" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "apiDestinationArn" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" BIGINT NOT NULL,
    "firstAttemptAt" BIGINT,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "createdAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,

    CONSTRAINT "EventDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventDeliveryAttempt" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "at" BIGINT NOT NULL,
    "statusCode" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "EventDeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_arn_key" ON "Schedule"("arn");

-- CreateIndex
CREATE INDEX "Schedule_state_nextFireAt_idx" ON "Schedule"("state", "nextFireAt");

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_organizationId_groupName_name_key" ON "Schedule"("organizationId", "groupName", "name");

-- CreateIndex
CREATE INDEX "ScheduleFire_scheduleId_firedAt_idx" ON "ScheduleFire"("scheduleId", "firedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleFire_scheduleId_slot_key" ON "ScheduleFire"("scheduleId", "slot");

-- CreateIndex
CREATE UNIQUE INDEX "EventRule_arn_key" ON "EventRule"("arn");

-- CreateIndex
CREATE INDEX "EventRule_organizationId_state_idx" ON "EventRule"("organizationId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "EventRule_organizationId_name_key" ON "EventRule"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "EventTarget_ruleId_targetId_key" ON "EventTarget"("ruleId", "targetId");

-- CreateIndex
CREATE UNIQUE INDEX "EventConnection_arn_key" ON "EventConnection"("arn");

-- CreateIndex
CREATE UNIQUE INDEX "EventConnection_organizationId_name_key" ON "EventConnection"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiDestination_arn_key" ON "ApiDestination"("arn");

-- CreateIndex
CREATE UNIQUE INDEX "ApiDestination_organizationId_name_key" ON "ApiDestination"("organizationId", "name");

-- CreateIndex
CREATE INDEX "EventDelivery_status_nextAttemptAt_idx" ON "EventDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "EventDelivery_organizationId_createdAt_idx" ON "EventDelivery"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "EventDelivery_apiDestinationArn_status_idx" ON "EventDelivery"("apiDestinationArn", "status");

-- CreateIndex
CREATE INDEX "EventDeliveryAttempt_deliveryId_at_idx" ON "EventDeliveryAttempt"("deliveryId", "at");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduleFire" ADD CONSTRAINT "ScheduleFire_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventRule" ADD CONSTRAINT "EventRule_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventTarget" ADD CONSTRAINT "EventTarget_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "EventRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventConnection" ADD CONSTRAINT "EventConnection_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiDestination" ADD CONSTRAINT "ApiDestination_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiDestination" ADD CONSTRAINT "ApiDestination_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "EventConnection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventDeliveryAttempt" ADD CONSTRAINT "EventDeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "EventDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Job state change events: one JobStateEvent per status a job takes, written in the transaction
-- that changes it, for organizations with an ENABLED rule (one index probe otherwise).
CREATE FUNCTION "job_state_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "EventRule" r WHERE r."organizationId" = NEW."organizationId" AND r."state" = 'ENABLED') THEN
    INSERT INTO "JobStateEvent" ("organizationId", "jobId", "status", "statusReason", "at")
    VALUES (NEW."organizationId", NEW."id", NEW."status", NEW."statusReason", NEW."updatedAt");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Job_state_event_insert" AFTER INSERT ON "Job"
FOR EACH ROW EXECUTE FUNCTION "job_state_event"();

CREATE TRIGGER "Job_state_event_update" AFTER UPDATE OF "status" ON "Job"
FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status") EXECUTE FUNCTION "job_state_event"();

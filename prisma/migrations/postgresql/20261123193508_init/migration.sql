-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "backend" TEXT NOT NULL DEFAULT 'builtin',
    "backendConfig" TEXT,
    "accountId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "organizationId" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessKey" (
    "id" TEXT NOT NULL,
    "accessKeyId" TEXT NOT NULL,
    "secretEncrypted" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AccessKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "actorUserId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComputeEnvironment" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "status" TEXT NOT NULL DEFAULT 'VALID',
    "statusReason" TEXT,
    "maxVcpus" INTEGER NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "gpuIds" TEXT NOT NULL DEFAULT '[]',
    "spec" TEXT NOT NULL DEFAULT '{}',
    "tags" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ComputeEnvironment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchedulingPolicy" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "fairsharePolicy" TEXT NOT NULL DEFAULT '{}',
    "tags" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SchedulingPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobQueue" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "liveName" TEXT,
    "deletedAt" TIMESTAMP(3),
    "arn" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "status" TEXT NOT NULL DEFAULT 'VALID',
    "statusReason" TEXT,
    "schedulingPolicyId" TEXT,
    "jobStateTimeLimitActions" TEXT NOT NULL DEFAULT '[]',
    "spec" TEXT NOT NULL DEFAULT '{}',
    "tags" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobQueue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobQueueComputeEnvironment" (
    "jobQueueId" TEXT NOT NULL,
    "computeEnvironmentId" TEXT NOT NULL,
    "order" INTEGER NOT NULL,

    CONSTRAINT "JobQueueComputeEnvironment_pkey" PRIMARY KEY ("jobQueueId","computeEnvironmentId")
);

-- CreateTable
CREATE TABLE "JobDefinition" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "arn" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "type" TEXT NOT NULL DEFAULT 'container',
    "containerProperties" TEXT NOT NULL DEFAULT '{}',
    "parameters" TEXT NOT NULL DEFAULT '{}',
    "retryStrategy" TEXT,
    "timeout" TEXT,
    "schedulingPriority" INTEGER,
    "propagateTags" BOOLEAN NOT NULL DEFAULT false,
    "platformCapabilities" TEXT NOT NULL DEFAULT '[]',
    "spec" TEXT NOT NULL DEFAULT '{}',
    "tags" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "jobQueueId" TEXT NOT NULL,
    "jobDefinitionId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusReason" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,
    "runnableAt" BIGINT,
    "startedAt" BIGINT,
    "stoppedAt" BIGINT,
    "schedulingPriority" INTEGER NOT NULL DEFAULT 0,
    "shareIdentifier" TEXT,
    "arrayParentId" TEXT,
    "arrayIndex" INTEGER,
    "arraySize" INTEGER,
    "pendingDependencies" INTEGER NOT NULL DEFAULT 0,
    "attemptsAllowed" INTEGER NOT NULL DEFAULT 1,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "vcpus" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "memoryMiB" INTEGER NOT NULL DEFAULT 2048,
    "gpus" INTEGER NOT NULL DEFAULT 0,
    "container" TEXT NOT NULL DEFAULT '{}',
    "parameters" TEXT NOT NULL DEFAULT '{}',
    "retryStrategy" TEXT,
    "timeoutSeconds" INTEGER,
    "tags" TEXT NOT NULL DEFAULT '{}',
    "propagateTags" BOOLEAN NOT NULL DEFAULT false,
    "computeEnvironmentId" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" BIGINT,
    "stopRequest" TEXT,
    "stopReason" TEXT,
    "exitCode" INTEGER,
    "submittedById" TEXT,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobDependency" (
    "jobId" TEXT NOT NULL,
    "dependsOnJobId" TEXT NOT NULL,
    "type" TEXT,

    CONSTRAINT "JobDependency_pkey" PRIMARY KEY ("jobId","dependsOnJobId")
);

-- CreateTable
CREATE TABLE "JobAttempt" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "attemptNumber" INTEGER NOT NULL,
    "computeEnvironmentId" TEXT,
    "startedAt" BIGINT,
    "stoppedAt" BIGINT,
    "exitCode" INTEGER,
    "reason" TEXT,
    "statusReason" TEXT,
    "logStreamName" TEXT NOT NULL,
    "enforcedLimits" TEXT NOT NULL DEFAULT '{}',
    "engineId" TEXT,
    "pid" INTEGER,

    CONSTRAINT "JobAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LogChunk" (
    "id" SERIAL NOT NULL,
    "jobId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "LogChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" SERIAL NOT NULL,
    "organizationId" TEXT NOT NULL,
    "at" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EngineLease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquiredAt" BIGINT NOT NULL,
    "heartbeatAt" BIGINT NOT NULL,
    "expiresAt" BIGINT NOT NULL,

    CONSTRAINT "EngineLease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Organization_accountId_key" ON "Organization"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_organizationId_userId_key" ON "Membership"("organizationId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_organizationId_email_idx" ON "Invitation"("organizationId", "email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "AccessKey_accessKeyId_key" ON "AccessKey"("accessKeyId");

-- CreateIndex
CREATE INDEX "AccessKey_organizationId_userId_idx" ON "AccessKey"("organizationId", "userId");

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_createdAt_id_idx" ON "AuditEvent"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_action_createdAt_idx" ON "AuditEvent"("organizationId", "action", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ComputeEnvironment_arn_key" ON "ComputeEnvironment"("arn");

-- CreateIndex
CREATE UNIQUE INDEX "ComputeEnvironment_organizationId_name_key" ON "ComputeEnvironment"("organizationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "SchedulingPolicy_arn_key" ON "SchedulingPolicy"("arn");

-- CreateIndex
CREATE UNIQUE INDEX "SchedulingPolicy_organizationId_name_key" ON "SchedulingPolicy"("organizationId", "name");

-- CreateIndex
CREATE INDEX "JobQueue_organizationId_name_idx" ON "JobQueue"("organizationId", "name");

-- CreateIndex
CREATE INDEX "JobQueue_arn_idx" ON "JobQueue"("arn");

-- CreateIndex
CREATE INDEX "JobQueue_state_priority_idx" ON "JobQueue"("state", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "JobQueue_organizationId_liveName_key" ON "JobQueue"("organizationId", "liveName");

-- CreateIndex
CREATE INDEX "JobQueueComputeEnvironment_computeEnvironmentId_idx" ON "JobQueueComputeEnvironment"("computeEnvironmentId");

-- CreateIndex
CREATE UNIQUE INDEX "JobDefinition_arn_key" ON "JobDefinition"("arn");

-- CreateIndex
CREATE INDEX "JobDefinition_organizationId_status_name_idx" ON "JobDefinition"("organizationId", "status", "name");

-- CreateIndex
CREATE UNIQUE INDEX "JobDefinition_organizationId_name_revision_key" ON "JobDefinition"("organizationId", "name", "revision");

-- CreateIndex
CREATE INDEX "Job_organizationId_createdAt_id_idx" ON "Job"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Job_organizationId_status_createdAt_id_idx" ON "Job"("organizationId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Job_organizationId_jobQueueId_status_createdAt_id_idx" ON "Job"("organizationId", "jobQueueId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Job_organizationId_name_createdAt_idx" ON "Job"("organizationId", "name", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_jobQueueId_schedulingPriority_createdAt_idx" ON "Job"("status", "jobQueueId", "schedulingPriority", "createdAt");

-- CreateIndex
CREATE INDEX "Job_arrayParentId_arrayIndex_idx" ON "Job"("arrayParentId", "arrayIndex");

-- CreateIndex
CREATE INDEX "Job_arrayParentId_status_idx" ON "Job"("arrayParentId", "status");

-- CreateIndex
CREATE INDEX "Job_leaseOwner_status_idx" ON "Job"("leaseOwner", "status");

-- CreateIndex
CREATE INDEX "JobDependency_dependsOnJobId_idx" ON "JobDependency"("dependsOnJobId");

-- CreateIndex
CREATE UNIQUE INDEX "JobAttempt_jobId_attemptNumber_key" ON "JobAttempt"("jobId", "attemptNumber");

-- CreateIndex
CREATE INDEX "LogChunk_jobId_attempt_id_idx" ON "LogChunk"("jobId", "attempt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "LogChunk_jobId_attempt_stream_seq_key" ON "LogChunk"("jobId", "attempt", "stream", "seq");

-- CreateIndex
CREATE INDEX "MetricSample_organizationId_kind_at_idx" ON "MetricSample"("organizationId", "kind", "at");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessKey" ADD CONSTRAINT "AccessKey_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessKey" ADD CONSTRAINT "AccessKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComputeEnvironment" ADD CONSTRAINT "ComputeEnvironment_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SchedulingPolicy" ADD CONSTRAINT "SchedulingPolicy_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobQueue" ADD CONSTRAINT "JobQueue_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobQueue" ADD CONSTRAINT "JobQueue_schedulingPolicyId_fkey" FOREIGN KEY ("schedulingPolicyId") REFERENCES "SchedulingPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobQueueComputeEnvironment" ADD CONSTRAINT "JobQueueComputeEnvironment_jobQueueId_fkey" FOREIGN KEY ("jobQueueId") REFERENCES "JobQueue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobQueueComputeEnvironment" ADD CONSTRAINT "JobQueueComputeEnvironment_computeEnvironmentId_fkey" FOREIGN KEY ("computeEnvironmentId") REFERENCES "ComputeEnvironment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobDefinition" ADD CONSTRAINT "JobDefinition_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_jobQueueId_fkey" FOREIGN KEY ("jobQueueId") REFERENCES "JobQueue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_jobDefinitionId_fkey" FOREIGN KEY ("jobDefinitionId") REFERENCES "JobDefinition"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobDependency" ADD CONSTRAINT "JobDependency_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobDependency" ADD CONSTRAINT "JobDependency_dependsOnJobId_fkey" FOREIGN KEY ("dependsOnJobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobAttempt" ADD CONSTRAINT "JobAttempt_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


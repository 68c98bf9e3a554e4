-- AlterTable
ALTER TABLE "User" ADD COLUMN     "isOperator" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OrganizationQuota" (
    "organizationId" TEXT NOT NULL,
    "maxRunningVcpus" INTEGER,
    "maxWaitingJobs" INTEGER,
    "maxArraySize" INTEGER,
    "submitRatePerSecond" DOUBLE PRECISION,
    "submitBurst" INTEGER,
    "maxLogBytes" BIGINT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrganizationQuota_pkey" PRIMARY KEY ("organizationId")
);

-- CreateTable
CREATE TABLE "TokenBucket" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "TokenBucket_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "UsageRecord" (
    "attemptId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "jobQueueName" TEXT NOT NULL,
    "jobDefinitionName" TEXT NOT NULL,
    "shareIdentifier" TEXT,
    "submittedById" TEXT,
    "durationMs" BIGINT NOT NULL,
    "vcpus" DOUBLE PRECISION NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "gpus" INTEGER NOT NULL,

    CONSTRAINT "UsageRecord_pkey" PRIMARY KEY ("attemptId","day")
);

-- CreateIndex
CREATE INDEX "UsageRecord_organizationId_day_idx" ON "UsageRecord"("organizationId", "day");

-- CreateIndex
CREATE INDEX "UsageRecord_day_idx" ON "UsageRecord"("day");

-- AddForeignKey
ALTER TABLE "OrganizationQuota" ADD CONSTRAINT "OrganizationQuota_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- An existing install's operator is the account created first: the admin its first run made.
UPDATE "User" SET "isOperator" = true
WHERE "id" = (SELECT "id" FROM "User" ORDER BY "createdAt", "id" LIMIT 1);

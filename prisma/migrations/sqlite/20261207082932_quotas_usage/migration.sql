-- CreateTable
CREATE TABLE "OrganizationQuota" (
    "organizationId" TEXT NOT NULL PRIMARY KEY,
    "maxRunningVcpus" INTEGER,
    "maxWaitingJobs" INTEGER,
    "maxArraySize" INTEGER,
    "submitRatePerSecond" REAL,
    "submitBurst" INTEGER,
    "maxLogBytes" BIGINT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "OrganizationQuota_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TokenBucket" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tokens" REAL NOT NULL,
    "updatedAt" BIGINT NOT NULL
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
    "vcpus" REAL NOT NULL,
    "memoryMiB" INTEGER NOT NULL,
    "gpus" INTEGER NOT NULL,

    PRIMARY KEY ("attemptId", "day"),
    CONSTRAINT "UsageRecord_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable (in place: rebuilding "User" would cascade to its memberships and sessions)
ALTER TABLE "User" ADD COLUMN "isOperator" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "UsageRecord_organizationId_day_idx" ON "UsageRecord"("organizationId", "day");

-- CreateIndex
CREATE INDEX "UsageRecord_day_idx" ON "UsageRecord"("day");


-- An existing install's operator is the account created first: the admin its first run made.
UPDATE "User" SET "isOperator" = true
WHERE "id" = (SELECT "id" FROM "User" ORDER BY "createdAt", "id" LIMIT 1);

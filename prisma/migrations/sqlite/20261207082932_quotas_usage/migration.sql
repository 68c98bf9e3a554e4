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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "isOperator" BOOLEAN NOT NULL DEFAULT false,
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("createdAt", "email", "failedLoginCount", "id", "lockedUntil", "name", "passwordHash") SELECT "createdAt", "email", "failedLoginCount", "id", "lockedUntil", "name", "passwordHash" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "UsageRecord_organizationId_day_idx" ON "UsageRecord"("organizationId", "day");

-- CreateIndex
CREATE INDEX "UsageRecord_day_idx" ON "UsageRecord"("day");


-- An existing install's operator is the account created first: the admin its first run made.
UPDATE "User" SET "isOperator" = true
WHERE "id" = (SELECT "id" FROM "User" ORDER BY "createdAt", "id" LIMIT 1);

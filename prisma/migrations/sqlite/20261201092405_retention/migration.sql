-- CreateTable
CREATE TABLE "RetentionSetting" (
    "organizationId" TEXT NOT NULL PRIMARY KEY,
    "jobDays" INTEGER,
    "logDays" INTEGER,
    "logsPurgedThrough" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "RetentionSetting_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "EngineLease" ADD COLUMN "stats" TEXT NOT NULL DEFAULT '{}';

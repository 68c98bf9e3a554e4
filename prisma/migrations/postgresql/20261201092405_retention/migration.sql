-- AlterTable
ALTER TABLE "EngineLease" ADD COLUMN     "stats" TEXT NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "RetentionSetting" (
    "organizationId" TEXT NOT NULL,
    "jobDays" INTEGER,
    "logDays" INTEGER,
    "logsPurgedThrough" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RetentionSetting_pkey" PRIMARY KEY ("organizationId")
);

-- AddForeignKey
ALTER TABLE "RetentionSetting" ADD CONSTRAINT "RetentionSetting_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


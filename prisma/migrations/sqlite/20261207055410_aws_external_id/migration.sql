-- AlterTable
ALTER TABLE "Organization" ADD COLUMN "awsExternalId" TEXT;

-- AlterTable
-- Hand-written in place of Prisma's table rebuild (see 20261201060837_aws_backend_config): SQLite
-- 3.35+ drops an unreferenced, unindexed column in place. External IDs typed in by tenants are
-- dropped: from now on Batchdeck sends the organization's generated one (README, "Running on AWS
-- Batch").
ALTER TABLE "AwsBackendConfig" DROP COLUMN "externalId";

-- CreateIndex
CREATE UNIQUE INDEX "Organization_awsExternalId_key" ON "Organization"("awsExternalId");

-- Backfill (hand-written): every existing organization gets its external ID now, so a role it
-- already assumes needs no visit to Settings → Backend before the ID is known. 96 random bits;
-- organizations created later get theirs from lib/backends/aws/external-id.ts.
UPDATE "Organization" SET "awsExternalId" = 'batchdeck-' || lower(hex(randomblob(12))) WHERE "awsExternalId" IS NULL;

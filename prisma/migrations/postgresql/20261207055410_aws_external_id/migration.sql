-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "awsExternalId" TEXT;

-- AlterTable
-- External IDs typed in by tenants are dropped: from now on Batchdeck sends the organization's
-- generated one (README, "Running on AWS Batch").
ALTER TABLE "AwsBackendConfig" DROP COLUMN "externalId";

-- CreateIndex
CREATE UNIQUE INDEX "Organization_awsExternalId_key" ON "Organization"("awsExternalId");

-- Backfill (hand-written): every existing organization gets its external ID now, so a role it
-- already assumes needs no visit to Settings → Backend before the ID is known. 96 bits of
-- gen_random_uuid()'s strong randomness (PostgreSQL 13+); organizations created later get theirs
-- from lib/backends/aws/external-id.ts.
UPDATE "Organization" SET "awsExternalId" = 'batchdeck-' || substr(md5(gen_random_uuid()::text), 1, 24) WHERE "awsExternalId" IS NULL;

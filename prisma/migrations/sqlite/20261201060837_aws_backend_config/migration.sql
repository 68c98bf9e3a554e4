-- CreateTable
CREATE TABLE "AwsBackendConfig" (
    "organizationId" TEXT NOT NULL PRIMARY KEY,
    "region" TEXT NOT NULL,
    "credentialMode" TEXT NOT NULL,
    "accessKeyId" TEXT,
    "secretAccessKeySealed" TEXT,
    "roleArn" TEXT,
    "externalId" TEXT,
    "batchEndpoint" TEXT,
    "logsEndpoint" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AwsBackendConfig_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
-- Hand-written in place of Prisma's table rebuild: the migration runner applies each migration
-- in a transaction, where PRAGMA foreign_keys=OFF has no effect, so rebuilding Organization
-- would cascade its DROP TABLE into every table that references it. SQLite 3.35+ drops an
-- unreferenced, unindexed column in place.
ALTER TABLE "Organization" DROP COLUMN "backendConfig";

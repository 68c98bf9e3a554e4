-- AlterTable
ALTER TABLE "Organization" DROP COLUMN "backendConfig";

-- CreateTable
CREATE TABLE "AwsBackendConfig" (
    "organizationId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "credentialMode" TEXT NOT NULL,
    "accessKeyId" TEXT,
    "secretAccessKeySealed" TEXT,
    "roleArn" TEXT,
    "externalId" TEXT,
    "batchEndpoint" TEXT,
    "logsEndpoint" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AwsBackendConfig_pkey" PRIMARY KEY ("organizationId")
);

-- AddForeignKey
ALTER TABLE "AwsBackendConfig" ADD CONSTRAINT "AwsBackendConfig_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


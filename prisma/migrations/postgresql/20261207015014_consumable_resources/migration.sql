-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "consumableResources" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "ConsumableResource" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "totalQuantity" BIGINT NOT NULL,
    "resourceType" TEXT NOT NULL DEFAULT 'REPLENISHABLE',
    "tags" TEXT NOT NULL DEFAULT '{}',
    "clientTokens" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsumableResource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobConsumableResource" (
    "jobId" TEXT NOT NULL,
    "consumableResourceId" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,

    CONSTRAINT "JobConsumableResource_pkey" PRIMARY KEY ("jobId","consumableResourceId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsumableResource_arn_key" ON "ConsumableResource"("arn");

-- CreateIndex
CREATE UNIQUE INDEX "ConsumableResource_organizationId_name_key" ON "ConsumableResource"("organizationId", "name");

-- CreateIndex
CREATE INDEX "JobConsumableResource_consumableResourceId_jobId_idx" ON "JobConsumableResource"("consumableResourceId", "jobId");

-- AddForeignKey
ALTER TABLE "ConsumableResource" ADD CONSTRAINT "ConsumableResource_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobConsumableResource" ADD CONSTRAINT "JobConsumableResource_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobConsumableResource" ADD CONSTRAINT "JobConsumableResource_consumableResourceId_fkey" FOREIGN KEY ("consumableResourceId") REFERENCES "ConsumableResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;


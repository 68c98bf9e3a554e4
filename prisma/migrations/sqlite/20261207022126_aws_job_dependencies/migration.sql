-- CreateTable
CREATE TABLE "AwsJobDependency" (
    "organizationId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "dependsOnJobId" TEXT NOT NULL,
    "type" TEXT,
    "createdAt" BIGINT NOT NULL,

    PRIMARY KEY ("organizationId", "jobId", "dependsOnJobId"),
    CONSTRAINT "AwsJobDependency_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AwsJobDependency_organizationId_dependsOnJobId_idx" ON "AwsJobDependency"("organizationId", "dependsOnJobId");

-- CreateIndex
CREATE INDEX "AwsJobDependency_createdAt_idx" ON "AwsJobDependency"("createdAt");


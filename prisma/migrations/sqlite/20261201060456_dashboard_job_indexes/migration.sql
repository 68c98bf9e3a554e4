-- CreateIndex
CREATE INDEX "Job_organizationId_stoppedAt_startedAt_idx" ON "Job"("organizationId", "stoppedAt", "startedAt");

-- CreateIndex
CREATE INDEX "Job_organizationId_status_stoppedAt_jobDefinitionId_idx" ON "Job"("organizationId", "status", "stoppedAt", "jobDefinitionId");


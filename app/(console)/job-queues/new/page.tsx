import type { Metadata } from "next";
import { JobQueueForm } from "@/components/resources/job-queue-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { EMPTY_JOB_QUEUE } from "@/lib/console/job-queue-values";
import { allComputeEnvironments, allSchedulingPolicies } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Create job queue" };

export default backendPage(async function NewJobQueuePage() {
  const ctx = await pageContext();
  if (!can(ctx.role, "jobQueues.manage")) {
    return (
      <>
        <PageHeader title="Create job queue" />
        <Alert>Only admins can create job queues.</Alert>
      </>
    );
  }
  const backend = await backendFor(ctx);
  const [environments, policies] = await Promise.all([
    allComputeEnvironments(backend, ctx),
    allSchedulingPolicies(backend, ctx),
  ]);
  return (
    <>
      <PageHeader title="Create job queue" />
      <Card>
        <JobQueueForm
          mode="create"
          initial={EMPTY_JOB_QUEUE}
          environments={environments.map((e) => ({ name: String(e.computeEnvironmentName), state: String(e.state) }))}
          policies={policies.map((p) => ({ name: p.name, arn: p.arn }))}
        />
      </Card>
    </>
  );
});

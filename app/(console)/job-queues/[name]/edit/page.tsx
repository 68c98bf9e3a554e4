import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobQueueForm } from "@/components/resources/job-queue-form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { jobQueueValuesFromDetail } from "@/lib/console/job-queue-values";
import { allComputeEnvironments, allSchedulingPolicies } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Edit job queue" };

export default backendPage(async function EditJobQueuePage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [detail] = (await backend.describeJobQueues(ctx, { jobQueues: [name] })).jobQueues;
  if (!detail) notFound();
  if (!can(ctx.role, "jobQueues.manage")) {
    return (
      <>
        <PageHeader title={`Edit ${name}`} />
        <Alert>Only admins can change job queues.</Alert>
      </>
    );
  }
  const [environments, policies] = await Promise.all([
    allComputeEnvironments(backend, ctx),
    allSchedulingPolicies(backend, ctx),
  ]);
  return (
    <>
      <PageHeader title={`Edit ${name}`} description={String(detail.jobQueueArn)} />
      <Card>
        <JobQueueForm
          mode="edit"
          initial={jobQueueValuesFromDetail(detail)}
          environments={environments.map((e) => ({ name: String(e.computeEnvironmentName), state: String(e.state) }))}
          policies={policies.map((p) => ({ name: p.name, arn: p.arn }))}
        />
      </Card>
    </>
  );
});

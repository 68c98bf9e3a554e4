import type { Metadata } from "next";
import Link from "next/link";
import { JobQueuesTable } from "@/components/resources/job-queues-table";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { jobQueueRow } from "@/lib/console/job-queue-values";
import { allJobQueues, allSchedulingPolicies } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Job queues" };

export default backendPage(async function JobQueuesPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [queues, policies, counts] = await Promise.all([
    allJobQueues(backend, ctx),
    allSchedulingPolicies(backend, ctx),
    backend.jobQueueCounts(ctx),
  ]);
  const names = new Map(policies.map((p) => [p.arn, p.name]));
  const rows = queues
    .map((q) => jobQueueRow(q, names))
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const canManage = can(ctx.role, "jobQueues.manage");
  return (
    <>
      <PageHeader
        title="Job queues"
        description="Jobs wait in a queue until an environment behind it has room. Higher priority queues are served first; counts refresh every few seconds."
        actions={
          canManage ? (
            <Link
              href="/job-queues/new"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Create job queue
            </Link>
          ) : null
        }
      />
      <Card title={`Job queues (${rows.length})`}>
        <JobQueuesTable orgId={ctx.organizationId} rows={rows} initialCounts={counts.jobQueues} canManage={canManage} />
      </Card>
    </>
  );
});

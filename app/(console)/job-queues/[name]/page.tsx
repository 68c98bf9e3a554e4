import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatAbsolute } from "@/components/lib/format-time";
import { Badge } from "@/components/resources/badges";
import { QueueCounts, QueueStateButtons } from "@/components/resources/job-queues-table";
import { QueueCapacity } from "@/components/resources/queue-capacity";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { jobQueueRow } from "@/lib/console/job-queue-values";
import { computeEnvironmentHref } from "@/lib/console/links";
import { allSchedulingPolicies } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Job queue" };

const when = formatAbsolute;

export default backendPage(async function JobQueuePage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [detail] = (await backend.describeJobQueues(ctx, { jobQueues: [name] })).jobQueues;
  if (!detail) notFound();
  const [policies, snapshot, counts] = await Promise.all([
    allSchedulingPolicies(backend, ctx),
    backend.getJobQueueSnapshot(ctx, { jobQueue: name }),
    backend.jobQueueCounts(ctx),
  ]);
  const row = jobQueueRow(detail, new Map(policies.map((p) => [p.arn, p.name])));
  const front = snapshot.frontOfQueue.jobs.map((j) => ({ ...j, jobId: j.jobArn.slice(j.jobArn.lastIndexOf("/") + 1) }));
  const described = front.length ? (await backend.describeJobs(ctx, { jobs: front.map((j) => j.jobId) })).jobs : [];
  const jobs = new Map(described.map((j) => [j.jobId, j]));
  const limits = (detail.jobStateTimeLimitActions ?? []) as {
    reason: string;
    maxTimeSeconds: number;
    action: string;
  }[];
  const tags = Object.entries((detail.tags ?? {}) as Record<string, string>);
  return (
    <>
      <PageHeader
        title={name}
        description={String(detail.jobQueueArn)}
        actions={
          can(ctx.role, "jobQueues.manage") ? (
            <div className="flex flex-wrap gap-2">
              <Link
                href={`/job-queues/${encodeURIComponent(name)}/edit`}
                className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50"
              >
                Edit
              </Link>
              <QueueStateButtons name={name} state={row.state} thenGoTo="/job-queues" />
            </div>
          ) : null
        }
      />
      <div className="mb-4 text-sm">
        <Link href="/job-queues" className="text-indigo-700 hover:underline">
          ← All job queues
        </Link>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-500">State</dt>
            <dd>
              <Badge value={row.state} />
            </dd>
            <dt className="text-slate-500">Status</dt>
            <dd>
              <Badge value={row.status} />{" "}
              {row.statusReason ? <span className="text-slate-600">{row.statusReason}</span> : null}
            </dd>
            <dt className="text-slate-500">Priority</dt>
            <dd className="tabular-nums">{row.priority}</dd>
            <dt className="text-slate-500">Environments</dt>
            <dd>
              <ol className="list-inside list-decimal">
                {row.environments.map((e) => (
                  <li key={e}>
                    <Link href={computeEnvironmentHref(e)} className="text-indigo-700 hover:underline">
                      {e}
                    </Link>
                  </li>
                ))}
              </ol>
            </dd>
            <dt className="text-slate-500">Scheduling</dt>
            <dd>{row.schedulingPolicy ? `Fair share: ${row.schedulingPolicy}` : "First in, first out"}</dd>
            <QueueCapacity utilization={snapshot.queueUtilization} />
            <dt className="text-slate-500">Stuck RUNNABLE</dt>
            <dd>
              {limits.length === 0
                ? "No time limit"
                : limits.map((l) => (
                    <div key={`${l.reason}-${l.maxTimeSeconds}`}>
                      {l.action} after {l.maxTimeSeconds}s: {l.reason}
                    </div>
                  ))}
            </dd>
            <dt className="text-slate-500">Tags</dt>
            <dd>{tags.length === 0 ? "None" : tags.map(([k, v]) => `${k}=${v}`).join(", ")}</dd>
          </dl>
        </Card>
        <Card title="Jobs by status">
          <QueueCounts orgId={ctx.organizationId} name={name} initialCounts={counts.jobQueues} />
        </Card>
      </div>
      <Card title={`Next to run (${front.length}${front.length === 100 ? "+" : ""})`} className="mt-4">
        {front.length === 0 ? (
          <p className="text-sm text-slate-600">No RUNNABLE jobs are waiting in this queue.</p>
        ) : (
          <>
            <p className="mb-3 text-xs text-slate-500">
              RUNNABLE jobs in the order the engine would dispatch them, as of{" "}
              {when(snapshot.frontOfQueue.lastUpdatedAt)}.
            </p>
            <Table
              label="Next to run"
              columns={[
                { header: "#" },
                { header: "Job" },
                { header: "Name" },
                { header: "Share" },
                { header: "Waiting since (UTC)" },
              ]}
              rows={front}
              rowKey={(j) => j.jobId}
              renderRow={(j, i) => {
                const job = jobs.get(j.jobId);
                return (
                  <>
                    <td className="py-1.5 pr-4 tabular-nums text-slate-500">{i + 1}</td>
                    <td className="py-1.5 pr-4 font-mono text-xs">
                      <Link href={`/jobs/${encodeURIComponent(j.jobId)}`} className="text-indigo-700 hover:underline">
                        {j.jobId}
                      </Link>
                    </td>
                    <td className="py-1.5 pr-4">{job?.jobName ?? "—"}</td>
                    <td className="py-1.5 pr-4">{job?.shareIdentifier ?? "—"}</td>
                    <td className="py-1.5 pr-4 whitespace-nowrap">{when(j.earliestTimeAtPosition)}</td>
                  </>
                );
              }}
            />
          </>
        )}
      </Card>
    </>
  );
});

"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { resourceQueries } from "@/components/lib/queries";
import { UsageBar } from "@/components/resources/usage-bar";
import { Table } from "@/components/ui/table";
import { JobStatus } from "@/lib/batch/states";
import { computeEnvironmentHref, jobListHref, jobQueueHref } from "@/lib/console/links";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";

/** The statuses the Overview counts per queue: waiting for room, running, and how they ended. */
const COLUMNS = [
  { status: JobStatus.RUNNABLE, header: "Runnable" },
  { status: JobStatus.RUNNING, header: "Running" },
  { status: JobStatus.SUCCEEDED, header: "Succeeded" },
  { status: JobStatus.FAILED, header: "Failed" },
] as const;

const count = (n: number, capped?: boolean) => `${n.toLocaleString("en-US")}${capped ? "+" : ""}`;

/**
 * What is happening now, once work exists: jobs per status of each queue and the vCPUs in use
 * of each compute environment, refreshed every few seconds like the queues and environments
 * pages (the same queries, so they share what was read).
 */
export function LiveWork({
  orgId,
  initialQueues,
  initialEnvironments,
}: {
  orgId: string;
  initialQueues: JobQueueCounts[];
  initialEnvironments: ComputeEnvironmentUsage[];
}) {
  const queues = useQuery({ ...resourceQueries.jobQueueCounts(orgId), initialData: { jobQueues: initialQueues } });
  const environments = useQuery({
    ...resourceQueries.computeEnvironmentUsage(orgId),
    initialData: { computeEnvironments: initialEnvironments },
  });
  const failed = queues.isError || environments.isError;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {failed ? (
        <p role="alert" className="text-xs text-red-700 lg:col-span-2">
          Could not refresh: {(queues.error ?? environments.error)?.message} Showing the last figures read.
        </p>
      ) : null}
      <section aria-labelledby="overview-queues" className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <h2 id="overview-queues" className="mb-1 text-sm font-semibold text-slate-800">
          Jobs by queue
        </h2>
        <p className="mb-3 text-xs text-slate-600">
          Live. Succeeded and failed count the finished jobs still kept (Settings → Retention).
        </p>
        <Table
          label="Jobs by queue"
          columns={[{ header: "Queue" }, ...COLUMNS.map((c) => ({ header: c.header, align: "right" as const }))]}
          rows={queues.data.jobQueues}
          rowKey={(q) => q.jobQueueName}
          empty="No job queues yet."
          renderRow={(q) => (
            <>
              <td className="py-2 pr-4">
                <Link href={jobQueueHref(q.jobQueueName)} className="font-medium text-indigo-700 hover:underline">
                  {q.jobQueueName}
                </Link>
              </td>
              {COLUMNS.map((c) => {
                const text = count(q.counts[c.status], q.capped?.[c.status]);
                return (
                  <td
                    key={c.status}
                    className="py-2 pr-4 text-right tabular-nums"
                    data-testid={`overview-${q.jobQueueName}-${c.status}`}
                  >
                    <Link
                      href={jobListHref({ queue: q.jobQueueName, status: c.status })}
                      aria-label={`${text} ${c.header.toLowerCase()} in ${q.jobQueueName}`}
                      className={
                        q.counts[c.status]
                          ? "font-semibold text-slate-900 hover:text-indigo-700"
                          : "text-slate-500 hover:text-indigo-700"
                      }
                    >
                      {text}
                    </Link>
                  </td>
                );
              })}
            </>
          )}
        />
      </section>
      <section
        aria-labelledby="overview-environments"
        className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      >
        <h2 id="overview-environments" className="mb-1 text-sm font-semibold text-slate-800">
          Capacity by compute environment
        </h2>
        <p className="mb-3 text-xs text-slate-600">Live. vCPUs held by jobs on it, of the most it may hand out.</p>
        <Table
          label="Capacity by compute environment"
          columns={[{ header: "Environment" }, { header: "vCPUs in use" }, { header: "Jobs on it", align: "right" }]}
          rows={environments.data.computeEnvironments}
          rowKey={(e) => e.computeEnvironmentName}
          empty="No compute environments yet."
          renderRow={(e) => (
            <>
              <td className="py-2 pr-4">
                <Link
                  href={computeEnvironmentHref(e.computeEnvironmentName)}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {e.computeEnvironmentName}
                </Link>
              </td>
              <td className="py-2 pr-4" data-testid={`overview-vcpus-${e.computeEnvironmentName}`}>
                {e.vcpus !== null && e.maxVcpus !== null ? (
                  <UsageBar
                    used={e.vcpus}
                    max={e.maxVcpus}
                    unit={e.basis === "desired" ? "vCPUs desired by AWS" : "vCPUs"}
                    label={e.computeEnvironmentName}
                  />
                ) : (
                  <span className="text-slate-500">not reported by this backend</span>
                )}
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">{e.jobs ?? "—"}</td>
            </>
          )}
        />
      </section>
    </div>
  );
}

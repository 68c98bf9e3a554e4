"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { deleteJobQueueAction, updateJobQueueAction } from "@/app/(console)/job-queues/actions";
import { resourceQueries } from "@/components/lib/queries";
import { Table } from "@/components/ui/table";
import { JOB_STATUSES, type JobStatus } from "@/lib/batch/states";
import { computeEnvironmentHref, jobListHref } from "@/lib/console/links";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import { StateAndDeleteButtons } from "./action-button";
import { Badge } from "./badges";

export interface JobQueueRow {
  name: string;
  arn: string;
  priority: number;
  state: string;
  status: string;
  statusReason?: string;
  environments: string[];
  schedulingPolicy: string | null;
}

export function JobQueuesTable({
  orgId,
  rows,
  initialCounts,
  canManage,
}: {
  orgId: string;
  rows: JobQueueRow[];
  initialCounts: JobQueueCounts[];
  canManage: boolean;
}) {
  const counts = useQuery({ ...resourceQueries.jobQueueCounts(orgId), initialData: { jobQueues: initialCounts } });
  const byName = new Map(counts.data.jobQueues.map((c) => [c.jobQueueName, c]));
  return (
    <>
      {counts.isError ? (
        <p role="alert" className="mb-2 text-xs text-red-700">
          Could not read job counts: {counts.error.message} Showing the last counts read.
        </p>
      ) : null}
      <Table
        label="Job queues"
        columns={[
          { header: "Name" },
          { header: "Priority" },
          { header: "State" },
          { header: "Status" },
          { header: "Environments" },
          { header: "Policy" },
          { header: "Jobs by status" },
          canManage && { header: "Actions", hidden: true },
        ]}
        rows={rows}
        rowKey={(q) => q.arn}
        rowClassName="align-top"
        empty={`No job queues yet. ${
          canManage
            ? "Create a compute environment first, then a queue that sends jobs to it."
            : "An admin creates them; jobs are submitted to a queue."
        }`}
        renderRow={(q) => {
          const entry = byName.get(q.name);
          const c = entry?.counts;
          return (
            <>
              <td className="py-2 pr-4">
                <Link
                  href={`/job-queues/${encodeURIComponent(q.name)}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {q.name}
                </Link>
              </td>
              <td className="py-2 pr-4 tabular-nums">{q.priority}</td>
              <td className="py-2 pr-4">
                <Badge value={q.state} />
              </td>
              <td className="py-2 pr-4">
                <Badge value={q.status} />
                {q.statusReason ? <div className="mt-1 max-w-xs text-xs text-slate-600">{q.statusReason}</div> : null}
              </td>
              <td className="py-2 pr-4">
                <ol className="list-inside list-decimal whitespace-nowrap">
                  {q.environments.map((e) => (
                    <li key={e}>
                      <Link href={computeEnvironmentHref(e)} className="text-indigo-700 hover:underline">
                        {e}
                      </Link>
                    </li>
                  ))}
                </ol>
              </td>
              <td className="py-2 pr-4">{q.schedulingPolicy ?? <span className="text-slate-500">FIFO</span>}</td>
              <td className="py-2 pr-4">
                <dl className="grid min-w-72 grid-cols-4 gap-x-3 gap-y-1 text-xs">
                  {JOB_STATUSES.map((s) => (
                    <div key={s} className={c?.[s] ? "text-slate-900" : "text-slate-500"}>
                      <dt className="text-[10px] uppercase tracking-wide">{s}</dt>
                      <dd className="font-semibold tabular-nums" data-testid={`count-${q.name}-${s}`}>
                        {c ? <CountLink queue={q.name} status={s} text={countText(c[s], entry?.capped?.[s])} /> : "—"}
                      </dd>
                    </div>
                  ))}
                </dl>
              </td>
              {canManage ? (
                <td className="py-2 text-right">
                  <div className="flex flex-wrap justify-end gap-2">
                    <Link
                      href={`/job-queues/${encodeURIComponent(q.name)}/edit`}
                      className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50"
                      aria-label={`Edit ${q.name}`}
                    >
                      Edit
                    </Link>
                    <QueueStateButtons name={q.name} state={q.state} />
                  </div>
                </td>
              ) : null}
            </>
          );
        }}
      />
    </>
  );
}

/** A queue's count of one status, leading to the job list filtered to those jobs. */
function CountLink({ queue, status, text }: { queue: string; status: JobStatus; text: string }) {
  return (
    <Link
      href={jobListHref({ queue, status })}
      aria-label={`${text} ${status} ${text === "1" ? "job" : "jobs"} in ${queue}`}
      className="text-inherit underline decoration-slate-300 underline-offset-2 hover:text-indigo-700 hover:decoration-indigo-400"
    >
      {text}
    </Link>
  );
}

/** A count, "1,000+" when the backend stopped counting at a cap (AWS: one list page). */
function countText(n: number, capped: boolean | undefined): string {
  return `${n.toLocaleString("en-US")}${capped ? "+" : ""}`;
}

/** One queue's jobs per status, polled like the list (the queue page's "Jobs by status"). */
export function QueueCounts({
  orgId,
  name,
  initialCounts,
}: {
  orgId: string;
  name: string;
  initialCounts: JobQueueCounts[];
}) {
  const counts = useQuery({ ...resourceQueries.jobQueueCounts(orgId), initialData: { jobQueues: initialCounts } });
  const entry = counts.data.jobQueues.find((q) => q.jobQueueName === name);
  const c = entry?.counts;
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
      {JOB_STATUSES.map((s) => (
        <div key={s}>
          <dt className="text-xs uppercase tracking-wide text-slate-500">{s}</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid={`count-${name}-${s}`}>
            <CountLink queue={name} status={s} text={countText(c?.[s] ?? 0, entry?.capped?.[s])} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Enable / disable and delete (AWS's rule: disable first; waiting jobs are cancelled). */
export function QueueStateButtons({ name, state, thenGoTo }: { name: string; state: string; thenGoTo?: string }) {
  return (
    <StateAndDeleteButtons
      name={name}
      state={state}
      setState={{ action: updateJobQueueAction, input: (next) => ({ jobQueue: name, state: next }) }}
      remove={{
        action: deleteJobQueueAction,
        input: { jobQueue: name },
        confirm: `Delete job queue ${name}? Jobs still waiting in it are cancelled and running ones terminated.`,
      }}
      thenGoTo={thenGoTo}
    />
  );
}

"use client";

// The top of the dashboard: what is happening now, live (refreshIntervals.live). Jobs starting,
// running and waiting (RUNNABLE) in each busy queue, each count a link to those jobs in the job
// list; vCPUs in use of what the environments may hand out; the longest wait.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Elapsed } from "@/components/jobs/time";
import { metricQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { JobStatus } from "@/lib/batch/states";
import { jobListHref, jobQueueHref } from "@/lib/console/links";
import type { RightNow as RightNowData } from "@/lib/metrics/right-now";
import { count } from "./format";

const SHOWN = [
  { status: JobStatus.STARTING, header: "Starting", words: "starting" },
  { status: JobStatus.RUNNING, header: "Running", words: "running" },
  { status: JobStatus.RUNNABLE, header: "Waiting (runnable)", words: "waiting (runnable)" },
] as const;

function Figure({ label, children, hint }: { label: string; children: React.ReactNode; hint?: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{children}</dd>
      {hint ? <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

function CountLink({ n, queue, status, words }: { n: number; queue: string; status: string; words: string }) {
  if (n === 0) return <span className="text-slate-500">0</span>;
  return (
    <Link
      href={jobListHref({ queue, status: status as JobStatus })}
      aria-label={`${count(n)} ${words} ${n === 1 ? "job" : "jobs"} in ${queue}`}
      className="font-medium text-indigo-700 hover:underline"
    >
      {count(n)}
    </Link>
  );
}

export function RightNow({ organizationId, initial }: { organizationId: string; initial: RightNowData }) {
  const query = useQuery({
    ...metricQueries.now(organizationId),
    initialData: initial,
    initialDataUpdatedAt: initial.at,
  });
  const data = query.data;
  const waitOf = new Map(data.waits.map((w) => [w.jobQueueName, w.runnableSince]));
  const busy = data.jobQueues.filter((q) => SHOWN.some((s) => q.counts[s.status] > 0));
  const total = (status: JobStatus) => data.jobQueues.reduce((n, q) => n + q.counts[status], 0);
  const onHost = total(JobStatus.STARTING) + total(JobStatus.RUNNING);
  const known = data.computeEnvironments.filter((c) => c.vcpus !== null);
  const inUse = known.reduce((n, c) => n + (c.vcpus ?? 0), 0);
  const capacity = known.every((c) => c.maxVcpus !== null) ? known.reduce((n, c) => n + (c.maxVcpus ?? 0), 0) : null;
  const desired = data.computeEnvironments.some((c) => c.basis === "desired");
  const oldest = data.waits.length ? Math.min(...data.waits.map((w) => w.runnableSince)) : null;
  const oldestQueue = data.waits.find((w) => w.runnableSince === oldest)?.jobQueueName;

  return (
    <Card title="Right now">
      {query.isError ? (
        <Alert>Could not refresh these figures: {query.error.message} Showing the last ones read.</Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-4" data-testid="right-now">
        <Figure label="Starting or running">{count(onHost)}</Figure>
        <Figure label="Waiting (runnable)">{count(total(JobStatus.RUNNABLE))}</Figure>
        <Figure
          label={desired ? "vCPUs desired" : "vCPUs in use"}
          hint={capacity === null ? "capacity not known" : `of ${count(capacity)} the environments may use`}
        >
          {count(inUse)}
          {capacity === null ? null : (
            <span className="text-base font-normal text-slate-500"> / {count(capacity)}</span>
          )}
        </Figure>
        <Figure
          label="Longest wait"
          hint={oldestQueue ? `in ${oldestQueue}` : (data.waitsPartial ?? "no job is waiting")}
        >
          {oldest === null ? "–" : <Elapsed from={oldest} suffix="" placeholder="…" />}
        </Figure>
      </dl>
      <div className="mt-4">
        <Table
          label="Jobs right now by queue"
          columns={[
            { header: "Queue" },
            ...SHOWN.map((s) => ({ header: s.header, align: "right" as const })),
            { header: "Longest wait", align: "right" },
          ]}
          rows={busy}
          rowKey={(q) => q.jobQueueName}
          ruledHeader
          empty="No job is starting, running or waiting in any queue."
          renderRow={(q) => {
            const since = waitOf.get(q.jobQueueName);
            return (
              <>
                <td className="py-2 pr-4 font-medium">
                  <Link href={jobQueueHref(q.jobQueueName)} className="text-indigo-700 hover:underline">
                    {q.jobQueueName}
                  </Link>
                </td>
                {SHOWN.map((s) => (
                  <td key={s.status} className="py-2 pr-4 text-right tabular-nums">
                    <CountLink n={q.counts[s.status]} queue={q.jobQueueName} status={s.status} words={s.words} />
                    {q.capped?.[s.status] ? "+" : ""}
                  </td>
                ))}
                <td className="py-2 text-right tabular-nums whitespace-nowrap">
                  {since === undefined ? "–" : <Elapsed from={since} suffix="" placeholder="…" />}
                </td>
              </>
            );
          }}
        />
        {busy.length > 0 && busy.length < data.jobQueues.length ? (
          <p className="mt-2 text-xs text-slate-500">
            {count(data.jobQueues.length - busy.length)} other{" "}
            {data.jobQueues.length - busy.length === 1 ? "queue is" : "queues are"} idle.
          </p>
        ) : null}
      </div>
    </Card>
  );
}

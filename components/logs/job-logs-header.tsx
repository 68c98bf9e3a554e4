"use client";

// The logs page's header: the way back to the job, and where the job and the attempt shown
// stand (status, exit code, reason), live while the job can still change: the job page's own
// query (components/lib/queries.ts), so going from one page to the other reads nothing twice.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { StatusBadge } from "@/components/jobs/status-badge";
import { jobQueries } from "@/components/lib/queries";
import type { JobView } from "@/lib/jobs/console-job-view";

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-center gap-2">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd className="text-sm text-slate-800">{children}</dd>
    </div>
  );
}

/** `attempt`: the attempt the page shows (1-based), null while the job has none. */
export function JobLogsHeader({
  orgId,
  initial,
  attempt,
}: {
  orgId: string;
  initial: JobView;
  attempt: number | null;
}) {
  const view = useQuery({ ...jobQueries.detail(orgId, initial.job.jobId), initialData: initial });
  const { job } = view.data ?? initial;
  const jobHref = `/jobs/${encodeURIComponent(job.jobId)}`;
  const exitCode = (job.container as { exitCode?: number }).exitCode;
  const shown = attempt !== null ? job.attempts[attempt - 1] : undefined;
  const reason = shown ? (shown.container.reason ?? shown.statusReason) : undefined;

  return (
    <div className="mb-4 space-y-2">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/jobs" className="text-indigo-700 hover:underline">
          Jobs
        </Link>{" "}
        /{" "}
        <Link href={jobHref} className="break-all text-indigo-700 hover:underline">
          {job.jobName}
        </Link>{" "}
        / Logs
      </nav>
      <h1 className="text-xl font-semibold break-all text-slate-900">Logs: {job.jobName}</h1>
      <dl className="flex flex-wrap items-center gap-x-6 gap-y-2" data-testid="job-logs-summary">
        <Item term="Job">
          <code className="font-mono text-xs break-all">{job.jobId}</code>
        </Item>
        <Item term="Status">
          <StatusBadge status={job.status} />
        </Item>
        <Item term="Exit code">{exitCode ?? "—"}</Item>
        <Item term={attempt !== null ? `Attempt ${attempt} of ${job.attempts.length}` : "Attempt"}>
          {attempt === null
            ? "not started yet"
            : !shown || shown.stoppedAt === undefined
              ? shown?.startedAt === undefined
                ? "starting"
                : "running"
              : [shown.container.exitCode !== undefined ? `exit code ${shown.container.exitCode}` : "ended", reason]
                  .filter(Boolean)
                  .join(" · ")}
        </Item>
      </dl>
      {job.statusReason ? <p className="text-sm text-slate-700">{job.statusReason}</p> : null}
    </div>
  );
}

import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isCancellable, isTerminal } from "@/lib/batch/states";
import { FAILED_CHILDREN_OF } from "@/lib/jobs/failed-children-tag";
import { failureSummary } from "@/lib/jobs/failure-summary";
import { listReason } from "@/lib/jobs/list-reason";
import { StatusBadge } from "../status-badge";
import type { StopKind } from "./stop-job";

/** The job's name, status and reason, with what the reader may do to it. */
export function JobHeader({
  job,
  mayStop,
  canSubmit,
  onStop,
}: {
  job: JobDetail;
  /** The reader may stop any job, or submitted this one. */
  mayStop: boolean;
  canSubmit: boolean;
  onStop: (kind: StopKind) => void;
}) {
  // What happened, from the attempts; AWS's own words stay in the details.
  const failure = failureSummary(job);
  // Otherwise AWS's reason, unless it is its generic "Essential container in task exited" (the
  // exit code says more), as on the job list.
  const reason = listReason(job.statusReason, job.attempts.at(-1)?.container.exitCode);
  const original = job.tags[FAILED_CHILDREN_OF];
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <p className="text-sm">
          <Link href="/jobs" className="text-indigo-700 hover:underline">
            Jobs
          </Link>{" "}
          /
        </p>
        <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold text-slate-900">
          <span className="break-all">{job.jobName}</span>
          <StatusBadge status={job.status} />
        </h1>
        <p className="mt-1 font-mono text-xs text-slate-500">{job.jobId}</p>
        {failure ? (
          <p className="mt-1 flex items-center gap-1.5 text-sm font-medium text-red-800" data-testid="failure-summary">
            <span aria-hidden="true">✕</span>
            {failure}
          </p>
        ) : reason ? (
          <p className="mt-1 text-sm text-slate-700">{reason}</p>
        ) : null}
        {original ? (
          <p className="mt-1 text-sm text-slate-700">
            Failed children of{" "}
            <Link href={`/jobs/${encodeURIComponent(original)}`} className="font-mono text-indigo-700 hover:underline">
              {original}
            </Link>
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        {mayStop && isCancellable(job.status) ? (
          <Button variant="danger" onClick={() => onStop("CANCEL")}>
            Cancel job
          </Button>
        ) : null}
        {mayStop && !isTerminal(job.status) ? (
          <Button variant="danger" onClick={() => onStop("TERMINATE")}>
            Terminate job
          </Button>
        ) : null}
        {canSubmit ? (
          <Link
            href={`/jobs/new?from=${encodeURIComponent(job.jobId)}`}
            className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          >
            Submit again
          </Link>
        ) : null}
      </div>
    </div>
  );
}

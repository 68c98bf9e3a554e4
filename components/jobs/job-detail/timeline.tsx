import { Card } from "@/components/ui/card";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isTerminal, JobStatus } from "@/lib/batch/states";
import { failureSummary } from "@/lib/jobs/failure-summary";
import { AbsoluteTime, RelativeTime } from "../time";

interface TimelineEvent {
  at?: number;
  label: string;
  detail?: string;
  status?: string;
  /** A failure: a red marker with a cross, on top of the words that say so. */
  failed?: boolean;
}

/** Each transition the job's record lets us date: submission, each attempt, the end. */
function timeline(job: JobDetail): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: job.createdAt, label: "Submitted", status: JobStatus.SUBMITTED }];
  if (job.dependsOn.length > 0) events.push({ label: "Waited on its dependencies", status: JobStatus.PENDING });
  job.attempts.forEach((a, i) => {
    if (a.startedAt) events.push({ at: a.startedAt, label: `Attempt ${i + 1} started`, status: JobStatus.RUNNING });
    if (a.stoppedAt) {
      const code = a.container.exitCode;
      const failed = (code !== undefined && code !== 0) || (code === undefined && a.container.reason !== undefined);
      events.push({
        at: a.stoppedAt,
        label: `Attempt ${i + 1} ${failed ? "failed" : "ended"}`,
        failed,
        detail: [code !== undefined ? `exit code ${code}` : null, a.container.reason ?? a.statusReason]
          .filter(Boolean)
          .join(" · "),
      });
    }
  });
  if (isTerminal(job.status)) {
    const failure = failureSummary(job);
    events.push({
      at: job.stoppedAt,
      label: job.status === JobStatus.SUCCEEDED ? "Succeeded" : "Failed",
      status: job.status,
      detail: failure ?? job.statusReason,
      failed: failure !== null,
    });
  } else {
    events.push({ label: `Now ${job.status}`, status: job.status });
  }
  return events;
}

export function JobTimeline({ job }: { job: JobDetail }) {
  return (
    <Card title="Timeline" className="lg:col-span-1">
      <ol className="relative space-y-3 border-l border-slate-200 pl-4" aria-label="Timeline">
        {timeline(job).map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is rebuilt whole
          <li key={i} className="text-sm" data-failed={e.failed ? "true" : undefined}>
            {e.failed ? (
              <span
                aria-hidden="true"
                className="absolute -left-2 mt-0.5 flex h-4 w-4 items-center justify-center rounded-full bg-red-600 text-[10px] font-bold leading-none text-white ring-2 ring-white"
              >
                ✕
              </span>
            ) : (
              <span className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full bg-indigo-200 ring-2 ring-white" />
            )}
            <div className={e.failed ? "font-semibold text-red-800" : "font-medium text-slate-800"}>{e.label}</div>
            {e.at ? (
              <div className="text-xs text-slate-500">
                <AbsoluteTime ms={e.at} /> (<RelativeTime ms={e.at} />)
              </div>
            ) : null}
            {e.detail ? (
              <div className={`text-xs ${e.failed ? "text-red-800" : "text-slate-600"}`}>{e.detail}</div>
            ) : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}

import { LogTail } from "@/components/logs/log-tail";
import { Card } from "@/components/ui/card";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isTerminal } from "@/lib/batch/states";

/**
 * The live tail of the job's latest attempt, the full log a click away. A new attempt (a retry)
 * starts a new tail; an array job runs through its children and has no output of its own.
 */
export function JobOutput({ job, logsRemoved }: { job: JobDetail; logsRemoved: boolean }) {
  if (job.arrayProperties?.size !== undefined) return null;
  // Attempts are numbered by their place (attempts.tsx).
  const attempt = job.attempts.length;
  if (attempt === 0) {
    return (
      <Card title="Latest output">
        <p className="text-sm text-slate-600" data-testid="latest-output">
          {isTerminal(job.status)
            ? "The job ended before any attempt started, so it has no output."
            : "Waiting for the job to start; its output will appear here as it runs."}
        </p>
      </Card>
    );
  }
  return <LogTail key={attempt} jobId={job.jobId} attempt={attempt} removed={logsRemoved} />;
}

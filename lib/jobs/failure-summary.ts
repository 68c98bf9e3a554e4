// What happened to a failed job, in a reader's words, from what its attempts record: "Exit code
// 1 after 3 of 3 attempts", "Timed out after 2 of 2 attempts", "Cancelled before it started",
// "Could not pull image busybox:nope". AWS's statusReason ("Essential container in task
// exited") says only that the container ended; the job page keeps it in its details.
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { JobStatus, STATUS_REASONS } from "@/lib/batch/states";

const PULL_FAILURE = "CannotPullContainerError";

function imageOf(job: Pick<JobDetail, "container">): string {
  return typeof job.container.image === "string" ? job.container.image : "";
}

/** Null unless the job FAILED. */
export function failureSummary(job: JobDetail): string | null {
  if (job.status !== JobStatus.FAILED) return null;
  const summary = job.arrayProperties?.statusSummary;
  if (job.arrayProperties?.size !== undefined && summary) {
    const failed = summary[JobStatus.FAILED] ?? 0;
    return `${failed} of ${job.arrayProperties.size} children failed`;
  }
  const ran = job.attempts.length;
  if (ran === 0) {
    if (job.statusReason === STATUS_REASONS.dependentJobFailed) return "A job it depends on failed: it never started";
    if (job.isCancelled) return "Cancelled before it started";
    if (job.isTerminated) return "Terminated before it started";
    return job.statusReason ? `Failed before it started: ${job.statusReason}` : "Failed before it started";
  }
  const last = job.attempts[ran - 1]!;
  const allowed = Math.max(job.retryStrategy?.attempts ?? 1, ran);
  const after = `after ${ran} of ${allowed} attempt${allowed === 1 ? "" : "s"}`;
  const reason = last.container.reason ?? "";
  if (reason.startsWith(PULL_FAILURE)) {
    const image = imageOf(job);
    return image ? `Could not pull image ${image} (${after})` : `Could not pull the image (${after})`;
  }
  if ([last.statusReason, reason, job.statusReason].includes(STATUS_REASONS.timeout)) {
    return `Timed out ${after}`;
  }
  if (job.isTerminated) return `Terminated during attempt ${ran} of ${allowed}`;
  if (reason.startsWith("OutOfMemoryError")) {
    const code = last.container.exitCode;
    return `Out of memory${code !== undefined ? ` (exit code ${code})` : ""} ${after}`;
  }
  if (last.container.exitCode !== undefined) return `Exit code ${last.container.exitCode} ${after}`;
  return `Failed ${after}${reason ? `: ${reason}` : ""}`;
}

// An array job's run time: its own row never runs, so its run is its children's, from the first
// child's start to the last child's end (while it is unfinished, from the first start to now).
import type { OrgContext } from "@/lib/auth/context";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isTerminal } from "@/lib/batch/states";

export interface ArrayRun {
  startedAt: number;
  /** Absent while the array is unfinished. */
  stoppedAt?: number;
}

/** From the built-in engine's rows; null before any child has started. */
export async function arrayRunOf(
  ctx: Pick<OrgContext, "db" | "organizationId">,
  job: Pick<JobDetail, "jobId" | "status">,
): Promise<ArrayRun | null> {
  const span = await ctx.db.job.aggregate({
    where: { organizationId: ctx.organizationId, arrayParentId: job.jobId },
    _min: { startedAt: true },
    _max: { stoppedAt: true },
  });
  const started = span._min.startedAt;
  if (started === null || started === undefined) return null;
  const stopped = span._max.stoppedAt;
  return {
    startedAt: Number(started),
    ...(isTerminal(job.status) && stopped !== null && stopped !== undefined ? { stoppedAt: Number(stopped) } : {}),
  };
}

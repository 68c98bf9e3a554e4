// Periodic duties of the leader besides placing jobs: acting on terminate requests for the
// jobs it runs. (jobStateTimeLimitActions act on the heads of the queues: head-of-queue.ts.)
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import type { Executor } from "./executor";

/** Terminate requests (set by TerminateJob on STARTING/RUNNING jobs) → the executor's kill path. */
export async function applyStopRequests(db: Db, engineId: string, executor: Executor): Promise<void> {
  if (executor.running.size === 0) return;
  const rows = await db.job.findMany({
    where: { leaseOwner: engineId, status: { in: [...ON_HOST_STATUSES] }, stopRequest: "TERMINATE" },
    select: { id: true, stopReason: true },
  });
  for (const r of rows) executor.stop(r.id, "TERMINATE", r.stopReason ?? "Terminated");
}

// Periodic duties of the leader besides placing jobs: acting on terminate requests for the
// jobs it runs, and jobStateTimeLimitActions (CANCEL jobs left RUNNABLE too long: the state
// machine's timeLimitCancel move).
import { canTransition, ON_HOST_STATUSES, TRANSITIONS } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { canMove, transitionJobs } from "@/lib/jobs/transition-jobs";
import type { Executor } from "./executor";

interface TimeLimitAction {
  reason?: string;
  state?: string;
  maxTimeSeconds?: number;
  action?: string;
}

const CANCEL_BATCH = 1_000;

/** Terminate requests (set by TerminateJob on STARTING/RUNNING jobs) → the executor's kill path. */
export async function applyStopRequests(db: Db, engineId: string, executor: Executor): Promise<void> {
  if (executor.running.size === 0) return;
  const rows = await db.job.findMany({
    where: { leaseOwner: engineId, status: { in: [...ON_HOST_STATUSES] }, stopRequest: "TERMINATE" },
    select: { id: true, stopReason: true },
  });
  for (const r of rows) executor.stop(r.id, "TERMINATE", r.stopReason ?? "Terminated");
}

/**
 * A RUNNABLE job older than an action's maxTimeSeconds is cancelled with the action's reason.
 * AWS applies this to jobs blocked at the head of the queue; here it applies to any job that
 * has been RUNNABLE that long, which includes those and is simpler to explain.
 */
export async function applyTimeLimitActions(db: Db, now: number): Promise<number> {
  const queues = await db.jobQueue.findMany({
    where: { NOT: { jobStateTimeLimitActions: "[]" } },
    select: { id: true, jobStateTimeLimitActions: true },
  });
  let cancelled = 0;
  for (const q of queues) {
    let actions: TimeLimitAction[] = [];
    try {
      actions = JSON.parse(q.jobStateTimeLimitActions) as TimeLimitAction[];
    } catch {
      continue;
    }
    for (const a of actions) {
      // AWS: the state defaults to, and may only be, RUNNABLE: the state the move takes jobs from.
      if (a.state !== undefined && !canTransition("timeLimitCancel", a.state)) continue;
      if ((a.action ?? "CANCEL") !== "CANCEL" || !a.maxTimeSeconds) continue;
      const cutoff = now - a.maxTimeSeconds * 1000;
      const reason = a.reason ?? "Job state time limit exceeded";
      const rows = await db.job.findMany({
        where: { jobQueueId: q.id, ...canMove("timeLimitCancel"), runnableAt: { lt: cutoff } },
        select: { id: true },
        take: CANCEL_BATCH,
      });
      if (rows.length === 0) continue;
      await db.$transaction(async (tx) => {
        const ids = rows.map((r) => r.id);
        await transitionJobs(
          tx,
          "timeLimitCancel",
          { id: { in: ids } },
          { statusReason: reason, stopRequest: "CANCEL", stopReason: reason, stoppedAt: now, updatedAt: now },
        );
        const status = TRANSITIONS.timeLimitCancel.to;
        const moved = await tx.job.findMany({
          where: { id: { in: ids }, status, stoppedAt: now, stopRequest: "CANCEL" },
          select: { id: true },
        });
        await afterJobsFinished(
          tx,
          moved.map((m) => ({ id: m.id, status })),
          now,
        );
        cancelled += moved.length;
      });
    }
  }
  return cancelled;
}

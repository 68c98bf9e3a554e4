// What happens to a deleted queue's jobs. Jobs still waiting (SUBMITTED, PENDING, RUNNABLE) are
// cancelled at once through the state machine's `cancel` transition; jobs already on a host are
// asked to terminate, which the engine carries out, as AWS "eventually terminates" them.

import { JOB_QUEUE_DELETED_REASON } from "@/lib/batch/shapes/job-queues";
import { ON_HOST_STATUSES, TRANSITIONS } from "@/lib/batch/states";
import type { Tx } from "@/lib/db";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { transitionJobsReturningIds } from "@/lib/jobs/transition-jobs";

export async function failJobsOfDeletedQueue(
  tx: Tx,
  options: { organizationId: string; jobQueueId: string; now: number },
): Promise<{ cancelled: number; terminating: number }> {
  const { organizationId, jobQueueId, now } = options;
  const stamp = BigInt(now);
  // UPDATE … RETURNING: only the rows this statement actually moved are reported as finished,
  // even if the engine placed one of them a moment before.
  const cancelled = await transitionJobsReturningIds(
    tx,
    "cancel",
    { organizationId, jobQueueId },
    {
      statusReason: JOB_QUEUE_DELETED_REASON,
      stopRequest: "CANCEL",
      stopReason: JOB_QUEUE_DELETED_REASON,
      stoppedAt: stamp,
      updatedAt: stamp,
    },
  );
  const terminating = await tx.job.updateMany({
    where: { organizationId, jobQueueId, status: { in: [...ON_HOST_STATUSES] }, stopRequest: null },
    data: { stopRequest: "TERMINATE", stopReason: JOB_QUEUE_DELETED_REASON, updatedAt: stamp },
  });
  await afterJobsFinished(
    tx,
    cancelled.map((id) => ({ id, status: TRANSITIONS.cancel.to })),
    now,
  );
  return { cancelled: cancelled.length, terminating: terminating.count };
}

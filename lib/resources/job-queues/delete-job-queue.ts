import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { type DeleteJobQueueInput, deleteJobQueueInput } from "@/lib/batch/shapes/job-queues";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { failJobsOfDeletedQueue } from "./fail-jobs-of-deleted-queue";
import { resolveJobQueue } from "./resolve-job-queue";

export { deleteJobQueueInput };

/**
 * AWS's rule: the queue must be DISABLED first. Waiting jobs are cancelled and running ones
 * terminated. A queue that ever held jobs keeps its row (status DELETED, name freed) so those
 * jobs still describe with their queue's ARN; one that never did is removed outright.
 */
export async function deleteJobQueue(ctx: OrgContext, input: DeleteJobQueueInput): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const queue = await resolveJobQueue(tx, organizationId, input.jobQueue);
    if (queue.state !== "DISABLED") {
      throw conflict(`Cannot delete job queue ${queue.name}: it is ENABLED. Update its state to DISABLED first.`);
    }
    const outcome = await failJobsOfDeletedQueue(tx, { organizationId, jobQueueId: queue.id, now: Date.now() });
    const hasJobs = (await tx.job.count({ where: { organizationId, jobQueueId: queue.id } })) > 0;
    await tx.jobQueueComputeEnvironment.deleteMany({ where: { jobQueueId: queue.id } });
    if (hasJobs) {
      await tx.jobQueue.update({
        where: { id: queue.id },
        data: { liveName: null, deletedAt: new Date(), status: "DELETED", schedulingPolicyId: null },
      });
    } else {
      await tx.jobQueue.delete({ where: { id: queue.id } });
    }
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "jobQueue.delete",
      targetType: "jobQueue",
      targetId: queue.arn,
      details: { name: queue.name, ...outcome },
    });
    return {};
  });
}

import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { compact, safeJson } from "@/lib/batch/shapes/common";
import { jobQueueSpecOf, type UpdateJobQueueInput, updateJobQueueInput } from "@/lib/batch/shapes/job-queues";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { accountIdOf } from "../account";
import { resolveSchedulingPolicy } from "../scheduling-policies/resolve-scheduling-policy";
import { resolveComputeEnvironmentOrder } from "./compute-environment-order";
import { resolveJobQueue } from "./resolve-job-queue";

export { updateJobQueueInput };

/**
 * Fields given replace the stored ones (computeEnvironmentOrder and jobStateTimeLimitActions
 * whole, as on AWS); fields left out are kept.
 */
export async function updateJobQueue(
  ctx: OrgContext,
  input: UpdateJobQueueInput,
): Promise<{ jobQueueName: string; jobQueueArn: string }> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const queue = await resolveJobQueue(tx, organizationId, input.jobQueue);
    let schedulingPolicyId = queue.schedulingPolicyId;
    if (input.schedulingPolicyArn !== undefined) {
      // Jobs already in a FIFO queue carry no share identifier, so a fair-share policy could
      // never place them; AWS refuses the switch for the same reason.
      if (queue.schedulingPolicyId === null) {
        throw invalid(
          `Job queue ${queue.name} was created without a scheduling policy (FIFO) and can't be given one; create a new job queue with schedulingPolicyArn instead.`,
        );
      }
      schedulingPolicyId = (await resolveSchedulingPolicy(tx, organizationId, input.schedulingPolicyArn)).id;
    }
    if (input.computeEnvironmentOrder) {
      const order = await resolveComputeEnvironmentOrder(
        tx,
        organizationId,
        await accountIdOf(tx, organizationId),
        input.computeEnvironmentOrder,
      );
      await tx.jobQueueComputeEnvironment.deleteMany({ where: { jobQueueId: queue.id } });
      await tx.jobQueueComputeEnvironment.createMany({
        data: order.map((o) => ({ ...o, jobQueueId: queue.id })),
      });
    }
    await tx.jobQueue.update({
      where: { id: queue.id },
      data: {
        state: input.state ?? queue.state,
        priority: input.priority ?? queue.priority,
        schedulingPolicyId,
        ...(input.jobStateTimeLimitActions
          ? { jobStateTimeLimitActions: JSON.stringify(input.jobStateTimeLimitActions) }
          : {}),
        spec: JSON.stringify({ ...safeJson<Record<string, unknown>>(queue.spec, {}), ...jobQueueSpecOf(input) }),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "jobQueue.update",
      targetType: "jobQueue",
      targetId: queue.arn,
      details: { changed: Object.keys(compact({ ...input, jobQueue: undefined })) },
    });
    return { jobQueueName: queue.name, jobQueueArn: queue.arn };
  });
}

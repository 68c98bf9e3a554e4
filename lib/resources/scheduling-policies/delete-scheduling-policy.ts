import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { type DeleteSchedulingPolicyInput, deleteSchedulingPolicyInput } from "@/lib/batch/shapes/scheduling-policies";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { resolveSchedulingPolicy } from "./resolve-scheduling-policy";

export { deleteSchedulingPolicyInput };

/** Refused while any job queue uses the policy: a fair-share queue cannot go back to FIFO. */
export async function deleteSchedulingPolicy(
  ctx: OrgContext,
  input: DeleteSchedulingPolicyInput,
): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const policy = await resolveSchedulingPolicy(tx, organizationId, input.arn);
    const queues = await tx.jobQueue.findMany({
      where: { organizationId, schedulingPolicyId: policy.id, deletedAt: null },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    if (queues.length > 0) {
      throw conflict(
        `Cannot delete scheduling policy ${policy.name}: it is attached to job queue(s) ${queues.map((q) => q.name).join(", ")}.`,
      );
    }
    await tx.schedulingPolicy.delete({ where: { id: policy.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "schedulingPolicy.delete",
      targetType: "schedulingPolicy",
      targetId: policy.arn,
      details: { name: policy.name },
    });
    return {};
  });
}

import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import {
  normalizeFairsharePolicy,
  type UpdateSchedulingPolicyInput,
  updateSchedulingPolicyInput,
} from "@/lib/batch/shapes/scheduling-policies";
import { writeTransaction } from "@/lib/db/write-transaction";
import { resolveSchedulingPolicy } from "./resolve-scheduling-policy";

export { updateSchedulingPolicyInput };

/** As on AWS, the given fairsharePolicy replaces the old one whole. */
export async function updateSchedulingPolicy(
  ctx: OrgContext,
  input: UpdateSchedulingPolicyInput,
): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const policy = await resolveSchedulingPolicy(tx, organizationId, input.arn);
    if (input.fairsharePolicy !== undefined) {
      await tx.schedulingPolicy.update({
        where: { id: policy.id },
        data: { fairsharePolicy: JSON.stringify(normalizeFairsharePolicy(input.fairsharePolicy)) },
      });
    }
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "schedulingPolicy.update",
      targetType: "schedulingPolicy",
      targetId: policy.arn,
      details: { name: policy.name },
    });
    return {};
  });
}

import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { type UntagResourceInput, untagResourceInput } from "@/lib/batch/shapes/tags";
import { writeTransaction } from "@/lib/db/write-transaction";
import { findTagTarget } from "./tag-target";

export { untagResourceInput };

/** Removes the given keys; keys the resource does not have are ignored, as on AWS. */
export async function untagResource(ctx: OrgContext, input: UntagResourceInput): Promise<Record<string, never>> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const target = await findTagTarget(tx, ctx.organizationId, input.resourceArn);
    requirePermission(ctx, target.permission(ctx.user.id));
    const remove = new Set(input.tagKeys);
    const tags = Object.fromEntries(Object.entries(target.tags).filter(([k]) => !remove.has(k)));
    await target.save(tx, tags);
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: `${target.targetType}.untag`,
      targetType: target.targetType,
      targetId: target.arn,
      details: { keys: input.tagKeys },
    });
    return {};
  });
}

import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { MAX_TAGS, type TagResourceInput, tagResourceInput } from "@/lib/batch/shapes/tags";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError } from "@/lib/errors";
import { findTagTarget } from "./tag-target";

export { tagResourceInput };

/** Adds or overwrites tags; the resource may hold at most 50 afterwards. */
export async function tagResource(ctx: OrgContext, input: TagResourceInput): Promise<Record<string, never>> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const target = await findTagTarget(tx, ctx.organizationId, input.resourceArn);
    requirePermission(ctx, target.permission(ctx.user.id));
    const tags = { ...target.tags, ...input.tags };
    const count = Object.keys(tags).length;
    if (count > MAX_TAGS) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `A resource can have at most ${MAX_TAGS} tags; ${input.resourceArn} would have ${count}.`,
      );
    }
    await target.save(tx, tags);
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: `${target.targetType}.tag`,
      targetType: target.targetType,
      targetId: target.arn,
      details: { keys: Object.keys(input.tags) },
    });
    return {};
  });
}

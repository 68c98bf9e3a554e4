import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { writeTransaction } from "@/lib/db/write-transaction";
import { notFound } from "@/lib/errors";
import type { RevokeAccessKeyInput } from "./schemas";

/**
 * Revokes one of the caller's keys, or any key of the organization for an admin. Someone
 * else's key is "not found" to a non-admin, so ids cannot be probed. Revoking twice is a no-op.
 */
export async function revokeAccessKey(ctx: OrgContext, input: RevokeAccessKeyInput): Promise<{ revokedAt: Date }> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const key = await tx.accessKey.findFirst({
      where: {
        organizationId: ctx.organizationId,
        accessKeyId: input.accessKeyId,
        ...(can(ctx.role, "accessKeys.revokeAny") ? {} : { userId: ctx.user.id }),
      },
    });
    if (!key) throw notFound(`Access key ${input.accessKeyId}`);
    if (key.revokedAt) return { revokedAt: key.revokedAt };
    const revokedAt = new Date();
    await tx.accessKey.update({ where: { id: key.id }, data: { revokedAt } });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "accessKey.revoke",
      targetType: "accessKey",
      targetId: key.accessKeyId,
      details: key.userId === ctx.user.id ? {} : { ownerUserId: key.userId },
    });
    return { revokedAt };
  });
}

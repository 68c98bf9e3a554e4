// Settings → Single sign-on, remove. Sessions it started stay until they end (they act in this
// organization only, as before); linked identities stay too, so setting the same provider up
// again signs the same people in as the same users.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { notFound } from "@/lib/errors";

export async function deleteSsoProvider(ctx: OrgContext): Promise<{ deleted: true }> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const { count } = await tx.ssoProvider.deleteMany({ where: { organizationId: ctx.organizationId } });
    if (count === 0) throw notFound("This organization's single sign-on");
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "sso.delete",
      targetType: "organization",
      targetId: ctx.organizationId,
    });
    return { deleted: true as const };
  });
}

import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict, notFound } from "@/lib/errors";
import { keepBreakGlassAdmin } from "./break-glass";
import { countAdmins } from "./count-admins";
import type { removeMemberInput } from "./schemas";

/**
 * Remove a member. Their sessions in this organization end and their access keys for it are
 * revoked in the same transaction, so nothing they hold keeps working.
 */
export async function removeMember(ctx: OrgContext, input: z.output<typeof removeMemberInput>): Promise<void> {
  // The organization's lock first: two admins demoting each other at once cannot both see
  // "another admin remains".
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const membership = await tx.membership.findFirst({
      where: { id: input.membershipId, organizationId: ctx.organizationId },
      select: { id: true, role: true, userId: true, user: { select: { email: true } } },
    });
    if (!membership) throw notFound("That member");
    if (membership.role === "admin" && (await countAdmins(tx, ctx.organizationId)) <= 1) {
      throw conflict("The last admin cannot be removed. Make someone else an admin first.");
    }
    await keepBreakGlassAdmin(tx, ctx.organizationId, membership.userId, `${membership.user.email} cannot be removed`);
    await tx.membership.delete({ where: { id: membership.id } });
    await tx.session.deleteMany({ where: { userId: membership.userId, organizationId: ctx.organizationId } });
    await tx.accessKey.updateMany({
      where: { userId: membership.userId, organizationId: ctx.organizationId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "member.remove",
      targetType: "user",
      targetId: membership.user.email,
      details: { role: membership.role },
    });
  });
}

import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict, notFound } from "@/lib/errors";
import { keepBreakGlassAdmin } from "./break-glass";
import { countAdmins } from "./count-admins";
import type { changeRoleInput } from "./schemas";

export async function changeMemberRole(ctx: OrgContext, input: z.output<typeof changeRoleInput>): Promise<void> {
  // The organization's lock first: two admins demoting each other at once cannot both see
  // "another admin remains".
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const membership = await tx.membership.findFirst({
      where: { id: input.membershipId, organizationId: ctx.organizationId },
      select: { id: true, role: true, userId: true, user: { select: { email: true } } },
    });
    if (!membership) throw notFound("That member");
    if (membership.role === input.role) return;
    if (membership.role === "admin" && (await countAdmins(tx, ctx.organizationId)) <= 1) {
      throw conflict("An organization must keep at least one admin. Make someone else an admin first.");
    }
    if (membership.role === "admin") {
      await keepBreakGlassAdmin(
        tx,
        ctx.organizationId,
        membership.userId,
        `${membership.user.email} cannot be made a ${input.role}`,
      );
    }
    await tx.membership.update({ where: { id: membership.id }, data: { role: input.role } });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "member.changeRole",
      targetType: "user",
      targetId: membership.user.email,
      details: { from: membership.role, to: input.role },
    });
  });
}

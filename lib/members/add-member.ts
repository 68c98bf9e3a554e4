import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { hashToken } from "@/lib/auth/session";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { newId, newToken } from "@/lib/ids";
import type { addMemberInput } from "./schemas";

const INVITATION_DAYS = 7;

export type AddMemberResult =
  | { kind: "added"; membershipId: string; email: string }
  | { kind: "invited"; invitationId: string; email: string; invitationPath: string };

/**
 * Add a person to the organization. Someone who already has an account becomes a member at
 * once; anyone else gets an invitation link (shown once to the admin) to set their password.
 */
export async function addMember(ctx: OrgContext, input: z.output<typeof addMemberInput>): Promise<AddMemberResult> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (user) {
      const existing = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId: ctx.organizationId, userId: user.id } },
        select: { id: true },
      });
      if (existing) throw conflict(`${input.email} is already a member of this organization.`);
      const membershipId = newId();
      await tx.membership.create({
        data: { id: membershipId, organizationId: ctx.organizationId, userId: user.id, role: input.role },
      });
      await recordAudit(tx, {
        organizationId: ctx.organizationId,
        actor: ctx.actor,
        action: "member.add",
        targetType: "user",
        targetId: input.email,
        details: { role: input.role },
      });
      return { kind: "added", membershipId, email: input.email };
    }
    // A fresh invitation replaces any earlier one for the same address.
    await tx.invitation.deleteMany({
      where: { organizationId: ctx.organizationId, email: input.email, acceptedAt: null },
    });
    const token = newToken();
    const invitationId = newId();
    await tx.invitation.create({
      data: {
        id: invitationId,
        organizationId: ctx.organizationId,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: ctx.user.id,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      },
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "member.invite",
      targetType: "invitation",
      targetId: input.email,
      details: { role: input.role },
    });
    return { kind: "invited", invitationId, email: input.email, invitationPath: `/invite/${token}` };
  });
}

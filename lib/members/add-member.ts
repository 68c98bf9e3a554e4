import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { hashToken } from "@/lib/auth/session";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { newId, newToken } from "@/lib/ids";
import type { addMemberInput } from "./schemas";

const INVITATION_DAYS = 7;

/** One shape whatever the address: the admin learns nothing about accounts outside this organization. */
export interface AddMemberResult {
  invitationId: string;
  email: string;
  invitationPath: string;
}

/**
 * Invite a person to the organization: always an invitation (its link shown once to the admin),
 * whether or not the address has an account on this install, so the answer never tells which.
 * Nobody joins without consenting: an existing user accepts while signed in as that address,
 * anyone else sets a password (accept-invitation.ts). The only refusal is an address that is
 * already a member here, which the admin can see in the member list anyway.
 */
export async function addMember(ctx: OrgContext, input: z.output<typeof addMemberInput>): Promise<AddMemberResult> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    // Asked of this organization's members only, never of the install's users.
    const member = await tx.membership.findFirst({
      where: { organizationId: ctx.organizationId, user: { email: input.email } },
      select: { id: true },
    });
    if (member) throw conflict(`${input.email} is already a member of this organization.`);
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
    return { invitationId, email: input.email, invitationPath: `/invite/${token}` };
  });
}

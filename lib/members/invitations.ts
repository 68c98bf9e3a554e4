import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { hashToken } from "@/lib/auth/session";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { notFound } from "@/lib/errors";
import type { revokeInvitationInput } from "./schemas";

export async function revokeInvitation(ctx: OrgContext, input: z.output<typeof revokeInvitationInput>): Promise<void> {
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const invitation = await tx.invitation.findFirst({
      where: { id: input.invitationId, organizationId: ctx.organizationId, acceptedAt: null },
      select: { id: true, email: true },
    });
    if (!invitation) throw notFound("That invitation");
    await tx.invitation.delete({ where: { id: invitation.id } });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "member.revokeInvitation",
      targetType: "invitation",
      targetId: invitation.email,
    });
  });
}

/** A pending invitation by its token: null when unknown, expired or already used. */
export async function findInvitation(db: DbOrTx, token: string) {
  if (!token || token.length > 200) return null;
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      organizationId: true,
      organization: { select: { name: true } },
    },
  });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt.getTime() < Date.now()) return null;
  return invitation;
}

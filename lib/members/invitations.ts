import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { hashToken } from "@/lib/auth/session";
import type { Db, DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, conflict, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
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

export const acceptInvitationInput = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1, "Enter your name").max(100, "Name is too long"),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(200, "Password is too long"),
});

/** Turn an invitation into an account and a membership; the caller signs the new user in. */
export async function acceptInvitation(
  db: Db,
  input: z.output<typeof acceptInvitationInput>,
): Promise<{ userId: string; organizationId: string }> {
  const passwordHash = await hashPassword(input.password);
  return writeTransaction(db, async (tx) => {
    const invitation = await findInvitation(tx, input.token);
    if (!invitation) throw new AppError("NOT_FOUND", "This invitation is no longer valid. Ask an admin for a new one.");
    if (await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
      throw conflict("An account with this email already exists. Sign in and ask an admin to add you.");
    }
    const userId = newId();
    await tx.user.create({ data: { id: userId, email: invitation.email, name: input.name, passwordHash } });
    await tx.membership.create({
      data: { id: newId(), organizationId: invitation.organizationId, userId, role: invitation.role },
    });
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: new Date() } });
    await recordAudit(tx, {
      organizationId: invitation.organizationId,
      actor: { userId, email: invitation.email, source: "console" },
      action: "member.acceptInvitation",
      targetType: "user",
      targetId: invitation.email,
      details: { role: invitation.role },
    });
    return { userId, organizationId: invitation.organizationId };
  });
}

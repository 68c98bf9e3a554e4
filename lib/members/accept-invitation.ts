// Accepting an invitation (add-member.ts always makes one, whether or not the address has an
// account here). The link's token is the secret the admin passed on to the person invited:
//
//   token unknown, expired or used  → "not valid", to everyone, as before
//   signed in as the invited email  → accept: a membership with the invited role
//   signed in as someone else       → "this invitation is for another address"
//   not signed in, address has an account → sign in as it, then accept
//   not signed in, no account       → choose a name and password: a new account and membership
//
// Only someone holding a valid token learns whether its address has an account; a visitor
// without one sees the same page as ever. Accepting takes the organization's lock (as adding,
// revoking and removing do), reads the invitation again under it, and writes the membership,
// the used mark and the audit entry in one transaction.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import type { Db, DbOrTx, Tx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, conflict, forbidden } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { findInvitation } from "./invitations";

type PendingInvitation = NonNullable<Awaited<ReturnType<typeof findInvitation>>>;

const token = z.string().min(1).max(200);

const newAccountInput = z.object({
  account: z.literal("new"),
  token,
  name: z.string().trim().min(1, "Enter your name").max(100, "Name is too long"),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(200, "Password is too long"),
});

/** The invitation form: a new account (name and password), or the signed-in user accepting as themselves. */
export const acceptInvitationInput = z.discriminatedUnion("account", [
  newAccountInput,
  z.object({ account: z.literal("signedIn"), token }),
]);

export type InvitationView =
  | { kind: "invalid" }
  | { kind: "newAccount" | "signIn" | "accept"; invitation: PendingInvitation }
  | { kind: "otherAddress"; invitation: PendingInvitation; signedInAs: string };

/** What the invitation page shows to `viewer` (null when nobody is signed in); the chart above. */
export async function viewInvitation(
  db: DbOrTx,
  tokenValue: string,
  viewer: { email: string } | null,
): Promise<InvitationView> {
  const invitation = await findInvitation(db, tokenValue);
  if (!invitation) return { kind: "invalid" };
  if (viewer) {
    return sameEmail(viewer.email, invitation.email)
      ? { kind: "accept", invitation }
      : { kind: "otherAddress", invitation, signedInAs: viewer.email };
  }
  const account = await db.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return { kind: account ? "signIn" : "newAccount", invitation };
}

/** Turn an invitation into a new account and its membership; the caller signs the new user in. */
export async function acceptInvitation(
  db: Db,
  input: Omit<z.output<typeof newAccountInput>, "account">,
): Promise<{ userId: string; organizationId: string }> {
  const passwordHash = await hashPassword(input.password);
  return underInvitation(db, input.token, async (tx, invitation) => {
    if (await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
      throw conflict("An account with this email already exists. Sign in as it to accept this invitation.");
    }
    const userId = newId();
    await tx.user.create({ data: { id: userId, email: invitation.email, name: input.name, passwordHash } });
    await join(tx, invitation, { userId, email: invitation.email });
    return { userId, organizationId: invitation.organizationId };
  });
}

/**
 * The signed-in `user` accepts an invitation sent to their own address and becomes a member with
 * its role; the caller moves their session to the organization they joined.
 */
export async function acceptInvitationAsUser(
  db: Db,
  input: { token: string; user: { id: string; email: string } },
): Promise<{ userId: string; organizationId: string }> {
  return underInvitation(db, input.token, async (tx, invitation) => {
    if (!sameEmail(input.user.email, invitation.email)) {
      throw forbidden(
        `This invitation is for another address. Sign out, then open the link again and sign in as ${invitation.email}.`,
      );
    }
    const member = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: invitation.organizationId, userId: input.user.id } },
      select: { id: true },
    });
    if (member) throw conflict(`You are already a member of ${invitation.organization.name}.`);
    await join(tx, invitation, { userId: input.user.id, email: invitation.email });
    return { userId: input.user.id, organizationId: invitation.organizationId };
  });
}

const invalidInvitation = () =>
  new AppError("NOT_FOUND", "This invitation is no longer valid. Ask an admin for a new one.");

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Run `work` on the pending invitation under its organization's lock, then mark it used: all or nothing. */
async function underInvitation<T>(
  db: Db,
  tokenValue: string,
  work: (tx: Tx, invitation: PendingInvitation) => Promise<T>,
): Promise<T> {
  const found = await findInvitation(db, tokenValue);
  if (!found) throw invalidInvitation();
  return writeTransaction(db, { lockOrganization: found.organizationId }, async (tx) => {
    // Again under the lock: it may have been used, revoked or replaced since.
    const invitation = await findInvitation(tx, tokenValue);
    if (!invitation) throw invalidInvitation();
    const result = await work(tx, invitation);
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: new Date() } });
    return result;
  });
}

async function join(tx: Tx, invitation: PendingInvitation, user: { userId: string; email: string }): Promise<void> {
  await tx.membership.create({
    data: { id: newId(), organizationId: invitation.organizationId, userId: user.userId, role: invitation.role },
  });
  await recordAudit(tx, {
    organizationId: invitation.organizationId,
    actor: { userId: user.userId, email: user.email, source: "console" },
    action: "member.acceptInvitation",
    targetType: "user",
    targetId: user.email,
    details: { role: invitation.role },
  });
}

// Who an identity provider's answer signs in, and where (the provider's checks are done; this
// is Batchdeck's side, in one transaction under the organization's lock):
//
//   (issuer, sub) already linked          → that user, whatever the email says now
//   else the email must be sent and email_verified exactly true ("unverified" otherwise), and for
//   an organization's provider its domain among the allowed ones ("domainNotAllowed")
//     an account has that email           → link it (SsoIdentity) and sign it in
//     no account, organization's provider
//       with createMembers                → a new account (a password nobody knows) and link
//     otherwise                           → refused (notMember; the install-wide one: noAccount)
//
//   organization's provider:  the install's operator is refused (operator pages are not an
//     organization's to open); a member keeps their role; a non-member joins with the default
//     role only with createMembers (allowed domain again), else "notMember". The session acts in
//     that organization only (Session.ssoOrganizationId).
//   install-wide provider: never creates anything but the link; the session lands where a
//     password session would (require-sso.ts), refused when every organization requires its own.
//
// Audited in the organization's log: the sign-in, and a membership it created.
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { createSession } from "@/lib/auth/session";
import type { Db, Tx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId, newToken } from "@/lib/ids";
import { domainAllowed } from "./domains";
import { SsoSignInError } from "./problems";
import type { SsoPolicy } from "./providers";
import { passwordSessionMembership } from "./require-sso";

/** What the provider said about the person, as read by finish-sign-in.ts. */
export interface SsoClaims {
  /** The ID token's `iss`. */
  issuer: string;
  subject: string;
  /** Lower case; null when the provider sent none. */
  email: string | null;
  /** True only for `email_verified: true`. */
  emailVerified: boolean;
  name: string | null;
}

export interface SsoSignedIn {
  token: string;
  expiresAt: Date;
  userId: string;
  organizationId: string | null;
}

type UserRow = { id: string; email: string; isOperator: boolean };
const USER = { id: true, email: true, isOperator: true } as const;

export async function signInWithClaims(
  db: Db,
  policy: SsoPolicy,
  claims: SsoClaims,
  opts: { sessionDays: number },
): Promise<SsoSignedIn> {
  const org = policy.organization;
  // scrypt is slow: the hash of a new account's (unknown, unusable) password is made beforehand.
  const unusablePassword = org && policy.createMembers ? await hashPassword(newToken()) : null;

  const verifiedEmail = (): string => {
    if (!claims.email) throw new SsoSignInError("noEmail", org);
    if (!claims.emailVerified) throw new SsoSignInError("unverified", org);
    if (org && !domainAllowed(claims.email, policy.allowedDomains)) throw new SsoSignInError("domainNotAllowed", org);
    return claims.email;
  };

  return writeTransaction(db, org ? { lockOrganization: org.id } : {}, async (tx) => {
    const identity = await tx.ssoIdentity.findUnique({
      where: { issuer_subject: { issuer: claims.issuer, subject: claims.subject } },
      select: { user: { select: USER } },
    });
    let user: UserRow | null = identity?.user ?? null;
    let linked = false;
    let created = false;
    if (!user) {
      const email = verifiedEmail();
      user = await tx.user.findUnique({ where: { email }, select: USER });
      if (!user) {
        if (!org) throw new SsoSignInError("noAccount");
        if (!policy.createMembers || !unusablePassword) throw new SsoSignInError("notMember", org);
        user = { id: newId(), email, isOperator: false };
        const name = claims.name?.trim().slice(0, 100) || email.split("@")[0] || email;
        await tx.user.create({ data: { id: user.id, email, name, passwordHash: unusablePassword } });
        created = true;
      }
      await tx.ssoIdentity.create({
        data: { issuer: claims.issuer, subject: claims.subject, userId: user.id, email },
      });
      linked = true;
    }
    const actor = { userId: user.id, email: user.email, source: "console" as const };

    if (!org) {
      const { membership, ssoOnly } = await passwordSessionMembership(tx, user.id);
      const [required] = ssoOnly;
      if (!membership && required) throw new SsoSignInError("ssoRequired", required);
      if (membership) {
        await recordAudit(tx, {
          organizationId: membership.organizationId,
          actor,
          action: "sso.signIn",
          targetType: "user",
          targetId: user.id,
          details: { provider: "install", issuer: claims.issuer, linked },
        });
      }
      return session(tx, user.id, membership?.organizationId ?? null, null, opts.sessionDays);
    }

    if (user.isOperator) throw new SsoSignInError("operator", org);
    const member = await tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: org.id, userId: user.id } },
      select: { role: true },
    });
    let joined = false;
    if (!member) {
      if (!policy.createMembers) throw new SsoSignInError("notMember", org);
      // A linked identity joining: its address now must be one the organization accepts.
      if (!linked) verifiedEmail();
      await tx.membership.create({
        data: { id: newId(), organizationId: org.id, userId: user.id, role: policy.defaultRole },
      });
      await recordAudit(tx, {
        organizationId: org.id,
        actor,
        action: "member.join",
        targetType: "user",
        targetId: user.id,
        details: { email: user.email, role: policy.defaultRole, via: "sso", accountCreated: created },
      });
      joined = true;
    }
    await recordAudit(tx, {
      organizationId: org.id,
      actor,
      action: "sso.signIn",
      targetType: "user",
      targetId: user.id,
      details: { provider: "organization", issuer: claims.issuer, linked, joined },
    });
    return session(tx, user.id, org.id, org.id, opts.sessionDays);
  });
}

async function session(
  tx: Tx,
  userId: string,
  organizationId: string | null,
  ssoOrganizationId: string | null,
  days: number,
): Promise<SsoSignedIn> {
  const { token, expiresAt } = await createSession(tx, { userId, organizationId, ssoOrganizationId, days });
  return { token, expiresAt, userId, organizationId };
}

// "Require single sign-on", the rule in one place. An organization requires it when its provider
// is turned on (enabled) and requireSso is set; then a session may act in it only if
//
//   the session was started by that organization's own provider (Session.ssoOrganizationId), or
//   the user is the organization's break-glass admin (breakGlassUserId, and still an admin).
//
// A session started by an organization's provider acts in that organization only, whatever else
// the user belongs to: that provider is the organization's to configure, so what it asserts
// must not reach further.
//
// lib/auth/session.ts readSession applies the same rule inside its one statement (every request
// reads the session); this is the password sign-in's and the install-wide provider's side of it:
// which organization a new session that did not come from an organization's provider lands in.
import type { Role } from "@/lib/auth/permissions";
import { isRole } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db";

export interface SsoProviderFlags {
  enabled: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
}

/** Whether a session that no organization's provider started may act in this membership. */
export function passwordMayAct(
  provider: SsoProviderFlags | null | undefined,
  member: { userId: string; role: string },
): boolean {
  if (!provider?.enabled || !provider.requireSso) return true;
  return provider.breakGlassUserId === member.userId && member.role === "admin";
}

export interface PasswordMembership {
  /** The first membership such a session may act in (by age, as readSession orders them). */
  membership: { organizationId: string; role: Role } | null;
  /** Organizations the user belongs to that require their own single sign-on. */
  ssoOnly: { id: string; name: string; slug: string }[];
}

export async function passwordSessionMembership(db: DbOrTx, userId: string): Promise<PasswordMembership> {
  const rows = await db.membership.findMany({
    where: { userId },
    select: {
      organizationId: true,
      role: true,
      organization: {
        select: {
          name: true,
          slug: true,
          ssoProvider: { select: { enabled: true, requireSso: true, breakGlassUserId: true } },
        },
      },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  let membership: PasswordMembership["membership"] = null;
  const ssoOnly: PasswordMembership["ssoOnly"] = [];
  for (const row of rows) {
    if (!isRole(row.role)) continue;
    if (passwordMayAct(row.organization.ssoProvider, { userId, role: row.role })) {
      membership ??= { organizationId: row.organizationId, role: row.role };
    } else {
      ssoOnly.push({ id: row.organizationId, name: row.organization.name, slug: row.organization.slug });
    }
  }
  return { membership, ssoOnly };
}

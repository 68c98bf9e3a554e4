import type { DbOrTx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { passwordMayAct } from "@/lib/sso/require-sso";

/**
 * Point a session at another organization the user belongs to. A session may not act in an
 * organization that requires its own single sign-on unless that provider started it (or the user
 * is its break-glass admin; lib/sso/require-sso.ts): then nothing changes and the answer names
 * the organization, so the caller can send the user through its provider instead.
 */
export async function switchOrganization(
  db: DbOrTx,
  opts: { sessionId: string; userId: string; organizationId: string },
): Promise<
  | { switched: true }
  /** The organization requires its own single sign-on: go through its provider. */
  | { switched: false; ssoRequiredBy: { slug: string } }
  /** This session came from another organization's provider and acts there only. */
  | { switched: false; otherOrganizationsSso: true }
> {
  const [membership, session] = await Promise.all([
    db.membership.findUnique({
      where: { organizationId_userId: { organizationId: opts.organizationId, userId: opts.userId } },
      select: {
        role: true,
        organization: {
          select: { slug: true, ssoProvider: { select: { enabled: true, requireSso: true, breakGlassUserId: true } } },
        },
      },
    }),
    db.session.findUnique({ where: { id: opts.sessionId }, select: { ssoOrganizationId: true } }),
  ]);
  if (!membership || !session) throw notFound("That organization");
  const startedHere = session.ssoOrganizationId === opts.organizationId;
  const mayAct = session.ssoOrganizationId
    ? startedHere
    : passwordMayAct(membership.organization.ssoProvider, { userId: opts.userId, role: membership.role });
  if (!mayAct) {
    const provider = membership.organization.ssoProvider;
    if (provider?.enabled) return { switched: false, ssoRequiredBy: { slug: membership.organization.slug } };
    return { switched: false, otherOrganizationsSso: true };
  }
  await db.session.update({ where: { id: opts.sessionId }, data: { organizationId: opts.organizationId } });
  return { switched: true };
}

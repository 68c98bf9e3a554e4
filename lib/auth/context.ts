// The caller as every action and handler sees it: who, in which organization, with which role,
// talking to which database. Domain functions take this object instead of reaching for globals,
// which is what lets tests run them against a throwaway database.

import type { Actor } from "@/lib/audit";
import type { Db, DbOrTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { passwordMayAct } from "@/lib/sso/require-sso";
import { can, isRole, type Permission, type Role } from "./permissions";

export interface OrgContext {
  db: Db;
  organizationId: string;
  role: Role;
  user: { id: string; email: string; name: string };
  actor: Actor;
  sessionId?: string;
}

/** Resolve the caller's membership in an organization, or in their first one when none is chosen. */
export async function resolveMembership(
  db: DbOrTx,
  userId: string,
  preferredOrganizationId: string | null,
): Promise<{ organizationId: string; role: Role } | null> {
  const memberships = await db.membership.findMany({
    where: { userId },
    select: { organizationId: true, role: true },
    orderBy: { createdAt: "asc" },
  });
  const chosen = memberships.find((m) => m.organizationId === preferredOrganizationId) ?? memberships[0];
  if (!chosen || !isRole(chosen.role)) return null;
  return { organizationId: chosen.organizationId, role: chosen.role };
}

export function requirePermission(ctx: { role: Role }, permission: Permission): void {
  if (!can(ctx.role, permission)) {
    throw new AppError("FORBIDDEN", "Your role does not allow this action.");
  }
}

/**
 * For a response that stays open (a live log stream): is the caller it was opened for still
 * allowed? Their session must still exist and be unexpired, may still act in the organization
 * (an organization that has come to require single sign-on ends a password session's streams,
 * lib/sso/require-sso.ts), and their membership must still grant `permission`, so removing a
 * member, a demotion or signing out ends the stream too.
 */
export async function stillAllowed(ctx: OrgContext, permission: Permission, now = new Date()): Promise<boolean> {
  const [allowed] = await stillAllowedMany(ctx.db, [{ ctx, permission }], now);
  return allowed === true;
}

/**
 * stillAllowed for many open responses at once, in the same few queries whatever their number
 * (the log streams of one web server share them, lib/logs/log-hub.ts): one answer per entry, in
 * order.
 */
export async function stillAllowedMany(
  db: Db,
  entries: readonly { ctx: OrgContext; permission: Permission }[],
  now = new Date(),
): Promise<boolean[]> {
  if (entries.length === 0) return [];
  const sessionIds = [...new Set(entries.flatMap((e) => (e.ctx.sessionId ? [e.ctx.sessionId] : [])))];
  const pairs = [...new Map(entries.map((e) => [`${e.ctx.organizationId} ${e.ctx.user.id}`, e.ctx])).values()];
  const [sessions, memberships] = await Promise.all([
    sessionIds.length > 0
      ? db.session.findMany({
          where: { id: { in: sessionIds } },
          select: { id: true, expiresAt: true, ssoOrganizationId: true },
        })
      : Promise.resolve([]),
    db.membership.findMany({
      where: { OR: pairs.map((c) => ({ organizationId: c.organizationId, userId: c.user.id })) },
      select: {
        organizationId: true,
        userId: true,
        role: true,
        organization: {
          select: { ssoProvider: { select: { enabled: true, requireSso: true, breakGlassUserId: true } } },
        },
      },
    }),
  ]);
  const live = new Map(
    sessions.filter((s) => s.expiresAt.getTime() > now.getTime()).map((s) => [s.id, s.ssoOrganizationId]),
  );
  const members = new Map(memberships.map((m) => [`${m.organizationId} ${m.userId}`, m]));
  return entries.map(({ ctx, permission }) => {
    const member = members.get(`${ctx.organizationId} ${ctx.user.id}`);
    if (!member || !isRole(member.role) || !can(member.role, permission)) return false;
    if (!ctx.sessionId) return true;
    if (!live.has(ctx.sessionId)) return false;
    // The session must still be one that may act here (readSession's rule).
    const ssoOrganizationId = live.get(ctx.sessionId);
    return ssoOrganizationId
      ? ssoOrganizationId === ctx.organizationId
      : passwordMayAct(member.organization.ssoProvider, member);
  });
}

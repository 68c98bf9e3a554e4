// Database-backed sessions. The cookie carries a random token; the row's id is its SHA-256, so
// a copy of the database yields no usable session. Sessions expire (sliding, refreshed at most
// once a minute) and are deleted on sign-out or when the member is removed.
//
// Reading a session never waits for a write. Sliding its expiry forward, or deleting it once it
// has expired, is a write that may queue behind the engine's write lock on SQLite; the request
// that noticed goes on at once and the write follows on its own, once per session at a time.
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/lib/db";
import { type RawDate, rawDate } from "@/lib/db/raw";
import { newToken } from "@/lib/ids";
import { logger } from "@/lib/log";
import { isRole, type Role } from "./permissions";

export const SESSION_COOKIE = "batchdeck_session";
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: DbOrTx,
  opts: {
    userId: string;
    organizationId: string | null;
    days: number;
    /** Set when this organization's own identity provider signed the user in (lib/sso/). */
    ssoOrganizationId?: string | null;
  },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + opts.days * 86_400_000);
  await db.session.create({
    data: {
      id: hashToken(token),
      userId: opts.userId,
      organizationId: opts.organizationId,
      ssoOrganizationId: opts.ssoOrganizationId ?? null,
      expiresAt,
    },
  });
  return { token, expiresAt };
}

export interface SessionUser {
  sessionId: string;
  organizationId: string | null;
  user: { id: string; email: string; name: string };
  /**
   * The membership the session acts in: the session's chosen organization, or the user's first
   * membership when that one is gone or none was chosen; null when they belong to none.
   */
  membership: { organizationId: string; role: Role } | null;
}

interface SessionRow {
  id: string;
  organizationId: string | null;
  expiresAt: RawDate;
  lastSeenAt: RawDate;
  userId: string;
  email: string;
  name: string;
  memberOrganizationId: string | null;
  role: string | null;
}

/**
 * The session behind a cookie's token, with its user and membership, or null. Every page, poll
 * and action starts here, so it is one raw statement: Prisma's builder would compile and run
 * two queries (session with user, then memberships), and compiling costs more than running.
 *
 * Single sign-on (lib/sso/require-sso.ts has the rule in words) is in the membership's join, so
 * a membership the session may not act in is simply not there: a session started by an
 * organization's provider sees that organization only; any other session does not see an
 * organization that requires its own single sign-on, unless the user is its break-glass admin.
 */
export async function readSession(db: DbOrTx, token: string | undefined, days: number): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const id = hashToken(token);
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT s."id", s."organizationId", s."expiresAt", s."lastSeenAt",
           u."id" AS "userId", u."email", u."name",
           m."organizationId" AS "memberOrganizationId", m."role"
    FROM "Session" s
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "Membership" m ON m."userId" = s."userId" AND (
      m."organizationId" = s."ssoOrganizationId"
      OR (s."ssoOrganizationId" IS NULL AND NOT EXISTS (
        SELECT 1 FROM "SsoProvider" p
        WHERE p."organizationId" = m."organizationId" AND p."enabled" AND p."requireSso"
          AND (COALESCE(p."breakGlassUserId", '') <> m."userId" OR m."role" <> 'admin'))))
    WHERE s."id" = ${id}
    ORDER BY CASE WHEN m."organizationId" = s."organizationId" THEN 0 ELSE 1 END, m."createdAt", m."id"
    LIMIT 1`;
  const session = rows[0];
  if (!session) return null;
  const now = Date.now();
  const expiresAt = rawDate(session.expiresAt)?.getTime() ?? 0;
  if (expiresAt <= now) {
    inBackground(id, () => db.session.deleteMany({ where: { id } }));
    return null;
  }
  const lastSeenAt = rawDate(session.lastSeenAt)?.getTime() ?? 0;
  if (now - lastSeenAt > TOUCH_EVERY_MS) {
    inBackground(id, () =>
      db.session.updateMany({
        where: { id },
        data: { lastSeenAt: new Date(now), expiresAt: new Date(now + days * 86_400_000) },
      }),
    );
  }
  const { memberOrganizationId, role } = session;
  return {
    sessionId: session.id,
    organizationId: session.organizationId,
    user: { id: session.userId, email: session.email, name: session.name },
    membership: memberOrganizationId !== null && isRole(role) ? { organizationId: memberOrganizationId, role } : null,
  };
}

/** Session writes under way in this process, by session id: one at a time per session. */
const pendingWrites = new Map<string, Promise<void>>();

function inBackground(id: string, write: () => Promise<unknown>): void {
  if (pendingWrites.has(id)) return;
  const done = write()
    .then(() => undefined)
    .catch((error: unknown) => {
      // The next request slides or deletes it instead; expiry is checked on every read anyway.
      logger().warn("session write failed", { error: error instanceof Error ? error.message : String(error) });
    })
    .finally(() => pendingWrites.delete(id));
  pendingWrites.set(id, done);
}

/** Resolves once the session writes started so far have finished (for tests and shutdown). */
export async function sessionWritesSettled(): Promise<void> {
  await Promise.all(pendingWrites.values());
}

export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashToken(token) } });
}

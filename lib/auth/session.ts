// Database-backed sessions. The cookie carries a random token; the row's id is its SHA-256, so
// a copy of the database yields no usable session. Sessions expire (sliding, refreshed at most
// once a minute) and are deleted on sign-out or when the member is removed.
//
// Reading a session never waits for a write. Sliding its expiry forward, or deleting it once it
// has expired, is a write that may queue behind the engine's write lock on SQLite; the request
// that noticed goes on at once and the write follows on its own, once per session at a time.
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/lib/db";
import { newToken } from "@/lib/ids";
import { logger } from "@/lib/log";

export const SESSION_COOKIE = "batchdeck_session";
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  db: DbOrTx,
  opts: { userId: string; organizationId: string | null; days: number },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + opts.days * 86_400_000);
  await db.session.create({
    data: { id: hashToken(token), userId: opts.userId, organizationId: opts.organizationId, expiresAt },
  });
  return { token, expiresAt };
}

export interface SessionUser {
  sessionId: string;
  organizationId: string | null;
  user: { id: string; email: string; name: string };
}

export async function readSession(db: DbOrTx, token: string | undefined, days: number): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const id = hashToken(token);
  const session = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      organizationId: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, email: true, name: true } },
    },
  });
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    inBackground(id, () => db.session.deleteMany({ where: { id } }));
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    inBackground(id, () =>
      db.session.updateMany({
        where: { id },
        data: { lastSeenAt: new Date(now), expiresAt: new Date(now + days * 86_400_000) },
      }),
    );
  }
  return { sessionId: session.id, organizationId: session.organizationId, user: session.user };
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

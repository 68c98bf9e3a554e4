// Database-backed sessions. The cookie carries a random token; the row's id is its SHA-256, so
// a copy of the database yields no usable session. Sessions expire (sliding, refreshed at most
// once a minute) and are deleted on sign-out or when the member is removed.
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/lib/db";
import { newToken } from "@/lib/ids";

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
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.updateMany({
      where: { id },
      data: { lastSeenAt: new Date(now), expiresAt: new Date(now + days * 86_400_000) },
    });
  }
  return { sessionId: session.id, organizationId: session.organizationId, user: session.user };
}

export async function deleteSession(db: DbOrTx, token: string): Promise<void> {
  await db.session.deleteMany({ where: { id: hashToken(token) } });
}

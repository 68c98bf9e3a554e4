// Email and password sign-in with per-account lockout: after MAX_FAILURES wrong passwords in a
// row the account refuses sign-in for LOCK_MINUTES, whatever password is tried. Unknown emails
// cost the same scrypt work as known ones, so timing does not reveal which accounts exist.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { resolveMembership } from "./context";
import { hashPassword, verifyPassword } from "./password";
import { createSession } from "./session";

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email").max(254),
  password: z.string().min(1, "Enter your password").max(200),
});

let dummyHash: Promise<string> | undefined;

export async function signIn(
  db: Db,
  input: z.output<typeof signInInput>,
  opts: { sessionDays: number },
): Promise<{ token: string; expiresAt: Date }> {
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, passwordHash: true, failedLoginCount: true, lockedUntil: true },
  });
  if (!user) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(input.password, await dummyHash);
    throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    throw new AppError("RATE_LIMITED", "Too many failed sign-in attempts. Try again in a few minutes.");
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const failures = user.failedLoginCount + 1;
    await db.user.update({
      where: { id: user.id },
      data: {
        failedLoginCount: failures >= MAX_FAILURES ? 0 : failures,
        lockedUntil: failures >= MAX_FAILURES ? new Date(Date.now() + LOCK_MINUTES * 60_000) : null,
      },
    });
    throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
  }
  if (user.failedLoginCount > 0 || user.lockedUntil) {
    await db.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null } });
  }
  const membership = await resolveMembership(db, user.id, null);
  return createSession(db, {
    userId: user.id,
    organizationId: membership?.organizationId ?? null,
    days: opts.sessionDays,
  });
}

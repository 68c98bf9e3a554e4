// Email and password sign-in with two limits:
// - per account: after MAX_FAILURES wrong passwords in a row the account refuses sign-in for
//   LOCK_MINUTES, whatever password is tried;
// - per client address: at most `failuresPerAddress` failed attempts in ADDRESS_WINDOW_MINUTES
//   over every account together (guessing one password across many accounts), counted in the
//   database so the limit holds across web servers.
// Attempts sent all at once are counted too: each takes its number before its check, and a
// successful sign-in gives its address number back. Unknown emails cost the same scrypt work as
// known ones, so timing does not reveal which accounts exist.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { resolveMembership } from "./context";
import { hashPassword, verifyPassword } from "./password";
import { giveBack, takeNumber } from "./rate-limit";
import { createSession } from "./session";

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const ADDRESS_WINDOW_MINUTES = 15;

export const signInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email").max(254),
  password: z.string().min(1, "Enter your password").max(200),
});

let dummyHash: Promise<string> | undefined;

export interface SignInOptions {
  sessionDays: number;
  /** The client's address (lib/auth/client-address.ts) and its allowance of failures. */
  address: string;
  failuresPerAddress: number;
}

export async function signIn(
  db: Db,
  input: z.output<typeof signInInput>,
  opts: SignInOptions,
): Promise<{ token: string; expiresAt: Date }> {
  const key = `sign-in:${opts.address}`;
  const taken = await takeNumber(db, key, ADDRESS_WINDOW_MINUTES * 60_000);
  if (taken.count > opts.failuresPerAddress) {
    const minutes = Math.max(1, Math.ceil((taken.resetsAt - Date.now()) / 60_000));
    throw new AppError(
      "RATE_LIMITED",
      `Too many failed sign-in attempts from your address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
  const session = await checkPassword(db, input, opts.sessionDays);
  await giveBack(db, key, taken);
  return session;
}

async function checkPassword(
  db: Db,
  input: z.output<typeof signInInput>,
  sessionDays: number,
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
  if (user.lockedUntil) {
    // The lock has run out: counting starts again (once, however many requests notice).
    await db.user.updateMany({
      where: { id: user.id, lockedUntil: user.lockedUntil },
      data: { failedLoginCount: 0, lockedUntil: null },
    });
  }
  // Each attempt takes its number before the password is checked, in one UPDATE, so guesses
  // sent all at once are counted too: past MAX_FAILURES they are refused without a check.
  const { failedLoginCount: attempt } = await db.user.update({
    where: { id: user.id },
    data: { failedLoginCount: { increment: 1 } },
    select: { failedLoginCount: true },
  });
  if (attempt > MAX_FAILURES) {
    throw new AppError("RATE_LIMITED", "Too many failed sign-in attempts. Try again in a few minutes.");
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    if (attempt >= MAX_FAILURES) {
      // The count stays where it is until the lock runs out, so attempts still in flight are refused.
      await db.user.update({
        where: { id: user.id },
        data: { lockedUntil: new Date(Date.now() + LOCK_MINUTES * 60_000) },
      });
    }
    throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
  }
  await db.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null } });
  const membership = await resolveMembership(db, user.id, null);
  return createSession(db, {
    userId: user.id,
    organizationId: membership?.organizationId ?? null,
    days: sessionDays,
  });
}

// Email and password sign-in. Wrong passwords are slowed down, never answered with a lock that
// would let anyone keep an account's owner out by guessing badly on purpose. Three limits, each
// on `RateLimit` rows (lib/auth/rate-limit.ts), so they hold across web servers:
// - per address and account (`sign-in-try:<account>:<address>`): ADDRESS_ACCOUNT_BACKOFF.free
//   wrong passwords from one address for one account are free, then that address waits 30 s
//   before its next try on that account, doubling with each failure up to 15 minutes. Other
//   addresses are not slowed; the right password from that address clears it.
// - per address across accounts (`sign-in:<address>`): at most `failuresPerAddress` failed
//   attempts in ADDRESS_WINDOW_MINUTES over every account together (one password guessed across
//   many accounts); past it the address is refused until the window ends.
// - per account across addresses (`sign-in-account:<account>`), against guesses spread over many
//   addresses: attempts from addresses that have never signed in to the account count, and
//   after ACCOUNT_BACKOFF.free of them with no quiet spell of 15 minutes, such attempts wait a
//   doubling delay as above. An address the account has signed in from within
//   KNOWN_ADDRESS_DAYS skips this limit and does not count towards it, so the owner, from their
//   usual address, signs in with the right password whatever an attack spread elsewhere does.
//
// Known addresses are remembered as rows (`sign-in-known:<account>:<address>`, windowStart = the
// last successful sign-in from there), not as a device cookie: a row needs no change to the
// forms or the cookies, works the same for every client of the action, and an attacker cannot
// make one without the password. The price: an owner on a new address (travel, a new mobile
// network) is slowed during a spread attack like everyone else new, and an attacker behind the
// owner's own NAT is limited only by the per-address limits.
//
// <account> is the SHA-256 of the normalized email, whether or not an account has it: unknown
// emails take the same turns, cost the same scrypt work and get the same answers as known ones,
// so neither timing nor messages reveal which accounts exist. Each attempt takes its number or
// turn before the password is checked, in one statement, so attempts sent all at once are
// counted too; a successful sign-in gives them back. A refused attempt checks no password.
// (User.failedLoginCount and lockedUntil belong to the lock this replaced and are unused.)
//
// A password session lands in the user's first organization that does not require its own
// single sign-on (lib/sso/require-sso.ts). When every organization the user belongs to requires
// it (and they are no organization's break-glass admin), the right password is refused with
// words that point to "Sign in with SSO": it would open a session that can act nowhere.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db, DbOrTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { passwordSessionMembership } from "@/lib/sso/require-sso";
import { hashPassword, verifyPassword } from "./password";
import { type Backoff, clearTurns, giveBack, giveTurnBack, type TakenTurn, takeNumber, takeTurn } from "./rate-limit";
import { createSession } from "./session";

export const ADDRESS_WINDOW_MINUTES = 15;

export const ADDRESS_ACCOUNT_BACKOFF: Backoff = {
  free: 5,
  firstMs: 30_000,
  capMs: 15 * 60_000,
  forgetMs: 24 * 3600_000,
};

export const ACCOUNT_BACKOFF: Backoff = {
  free: 50,
  firstMs: 30_000,
  capMs: 15 * 60_000,
  forgetMs: 15 * 60_000,
};

export const KNOWN_ADDRESS_DAYS = 90;

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
  /** The clock (epoch ms), for tests; Date.now() when absent. */
  now?: number;
}

export async function signIn(
  db: Db,
  input: z.output<typeof signInInput>,
  opts: SignInOptions,
): Promise<{ token: string; expiresAt: Date }> {
  const now = opts.now ?? Date.now();
  const addressKey = `sign-in:${opts.address}`;
  const taken = await takeNumber(db, addressKey, ADDRESS_WINDOW_MINUTES * 60_000, now);
  if (taken.count > opts.failuresPerAddress) {
    const minutes = Math.max(1, Math.ceil((taken.resetsAt - now) / 60_000));
    throw new AppError(
      "RATE_LIMITED",
      `Too many failed sign-in attempts from your address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }

  const account = createHash("sha256").update(input.email).digest("base64url");
  const tryKey = `sign-in-try:${account}:${opts.address}`;
  const turn = await takeTurn(db, tryKey, ADDRESS_ACCOUNT_BACKOFF, now);
  if (!turn.ok) throw slowedDown(turn.retryAt - now);

  const accountKey = `sign-in-account:${account}`;
  const knownKey = `sign-in-known:${account}:${opts.address}`;
  let accountTurn: TakenTurn | null = null;
  if (!(await isKnown(db, knownKey, now))) {
    const spread = await takeTurn(db, accountKey, ACCOUNT_BACKOFF, now);
    if (!spread.ok) {
      // Not this address's failure: its own turn goes back.
      await giveTurnBack(db, tryKey, turn, now);
      throw slowedDown(spread.retryAt - now);
    }
    accountTurn = spread;
  }

  const userId = await checkPassword(db, input);
  await clearTurns(db, tryKey);
  if (accountTurn) await giveTurnBack(db, accountKey, accountTurn, now);
  await remember(db, knownKey, now);
  await giveBack(db, addressKey, taken);
  const { membership, ssoOnly } = await passwordSessionMembership(db, userId);
  const [required] = ssoOnly;
  if (!membership && required) {
    throw new AppError(
      "FORBIDDEN",
      `${required.name} requires single sign-on: use "Sign in with SSO" below with its short name, ${required.slug}.`,
    );
  }
  return createSession(db, {
    userId,
    organizationId: membership?.organizationId ?? null,
    days: opts.sessionDays,
  });
}

/** The user's id if the password is theirs; the same work and answer for an unknown email. */
async function checkPassword(db: Db, input: z.output<typeof signInInput>): Promise<string> {
  const user = await db.user.findUnique({ where: { email: input.email }, select: { id: true, passwordHash: true } });
  if (!user) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(input.password, await dummyHash);
    throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    throw new AppError("UNAUTHENTICATED", "Email or password is incorrect.");
  }
  return user.id;
}

function slowedDown(waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const [n, unit] = seconds < 60 ? [seconds, "second"] : [Math.ceil(seconds / 60), "minute"];
  return new AppError(
    "RATE_LIMITED",
    `Too many failed sign-in attempts. Try again in ${n} ${unit}${n === 1 ? "" : "s"}.`,
  );
}

async function isKnown(db: DbOrTx, knownKey: string, now: number): Promise<boolean> {
  const row = await db.rateLimit.findUnique({ where: { key: knownKey }, select: { windowStart: true } });
  return row !== null && Number(row.windowStart) > now - KNOWN_ADDRESS_DAYS * 86_400_000;
}

async function remember(db: DbOrTx, knownKey: string, now: number): Promise<void> {
  const rows = await db.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${knownKey}, ${BigInt(now)}, 1)
    ON CONFLICT ("key") DO UPDATE SET "windowStart" = ${BigInt(now)}, "count" = "RateLimit"."count" + 1
    RETURNING "count"`;
  if (Number(rows[0]?.count) === 1) {
    // A new address: addresses forgotten long ago go, so the table stays small.
    await db.rateLimit.deleteMany({
      where: {
        key: { startsWith: "sign-in-known:" },
        windowStart: { lt: BigInt(now - KNOWN_ADDRESS_DAYS * 86_400_000) },
      },
    });
  }
}

// Counters in the database, so a limit holds across every web server of a hosted install. Two
// shapes, both on `RateLimit` rows whose key is `<kind>:<subject>`:
// - fixed windows (takeNumber): at most N in a window, then refused until the window ends;
//   windowStart is the window's start and count the numbers taken in it;
// - exponential backoff (takeTurn): `free` turns, then each turn must wait a delay that doubles
//   up to a cap; windowStart is the earliest the next turn may start ("not before") and count
//   the turns taken since the key was last cleared or forgotten.
// A caller takes a number or turn before doing the limited thing, in one statement, so attempts
// sent all at once are counted too, and may give it back when the attempt turns out not to count
// (a successful sign-in is no failure). Each shape cleans up old rows of its own kind only: the
// kinds keep their rows for different lengths of time.
import { Prisma } from "@/generated/sqlite/client";
import type { DbOrTx } from "@/lib/db";

export interface Taken {
  /** This attempt's number in the window, 1 for the first. */
  count: number;
  windowStart: number;
  /** When the window ends and counting starts again (epoch ms). */
  resetsAt: number;
}

export async function takeNumber(db: DbOrTx, key: string, windowMs: number, now = Date.now()): Promise<Taken> {
  const expired = now - windowMs;
  // One statement: read, reset-or-increment and write happen atomically on both databases.
  // Every SET expression sees the row as it was, so both CASEs test the old window.
  const rows = await db.$queryRaw<{ count: number | bigint; windowStart: number | bigint }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, ${BigInt(now)}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= ${BigInt(expired)} THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= ${BigInt(expired)} THEN ${BigInt(now)} ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0];
  if (!row) throw new Error("rate limit counter returned no row");
  const count = Number(row.count);
  const windowStart = Number(row.windowStart);
  if (count === 1) {
    // A window started: this kind's rows whose windows ended long ago go, so the table stays small.
    await deleteOlder(db, key, now - 2 * windowMs);
  }
  return { count, windowStart, resetsAt: windowStart + windowMs };
}

/** Gives a number back, within the window it was taken in. */
export async function giveBack(db: DbOrTx, key: string, taken: Taken): Promise<void> {
  await db.rateLimit.updateMany({
    where: { key, windowStart: BigInt(taken.windowStart), count: { gt: 0 } },
    data: { count: { decrement: 1 } },
  });
}

export interface Backoff {
  /** Turns taken without waiting; after the last of them the next turn waits `firstMs`. */
  free: number;
  firstMs: number;
  /** The wait doubles with each turn up to this. */
  capMs: number;
  /** A key left alone this long after its wait ended starts again from nothing. */
  forgetMs: number;
}

/** How long the turn after turn `n` (1 for the first) must wait. */
export function backoffDelay(policy: Backoff, n: number): number {
  if (n < policy.free) return 0;
  return Math.min(policy.capMs, policy.firstMs * 2 ** (n - policy.free));
}

export type Turn = { ok: true; count: number; notBefore: number } | { ok: false; retryAt: number };
export type TakenTurn = Extract<Turn, { ok: true }>;

/**
 * Takes a turn if the key's wait has ended, and sets the wait for the next one as though this
 * turn fails (a success clears the key or gives the turn back). A refused turn changes nothing,
 * so refusals do not push the wait further out.
 */
export async function takeTurn(db: DbOrTx, key: string, policy: Backoff, now = Date.now()): Promise<Turn> {
  if (policy.free < 1) throw new Error("a backoff needs at least one free turn");
  // Both SET expressions see the row as it was, so each computes the same new count.
  const count = Prisma.sql`(CASE WHEN "RateLimit"."windowStart" <= ${BigInt(now - policy.forgetMs)} THEN 1 ELSE "RateLimit"."count" + 1 END)`;
  // Up to three tries: a refused turn reads the wait it is refused for, and the row may have been
  // cleared or its wait ended in between.
  for (let i = 0; i < 3; i++) {
    const rows = await db.$queryRaw<{ count: number | bigint; windowStart: number | bigint }[]>`
      INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, ${BigInt(now + backoffDelay(policy, 1))}, 1)
      ON CONFLICT ("key") DO UPDATE SET
        "count" = ${count},
        "windowStart" = ${delaySql(policy, count, now)}
      WHERE "RateLimit"."windowStart" <= ${BigInt(now)}
      RETURNING "count", "windowStart"`;
    const row = rows[0];
    if (row) {
      const taken = Number(row.count);
      if (taken === 1) await deleteOlder(db, key, now - policy.forgetMs);
      return { ok: true, count: taken, notBefore: Number(row.windowStart) };
    }
    const current = await db.rateLimit.findUnique({ where: { key }, select: { windowStart: true } });
    if (current && Number(current.windowStart) > now) return { ok: false, retryAt: Number(current.windowStart) };
  }
  return { ok: false, retryAt: now + 1000 };
}

/**
 * Gives a turn back (the attempt turned out not to count): the count goes down and the next turn
 * may start now, as it could when this one was taken. Only if no other turn was taken since.
 */
export async function giveTurnBack(db: DbOrTx, key: string, turn: TakenTurn, now = Date.now()): Promise<void> {
  await db.rateLimit.updateMany({
    where: { key, count: turn.count, windowStart: BigInt(turn.notBefore) },
    data: { count: { decrement: 1 }, windowStart: BigInt(now) },
  });
}

/** Clears a key's turns: it starts again from nothing. */
export async function clearTurns(db: DbOrTx, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}

/** When the turn after the one counted by `count` (an SQL expression) may start, as SQL. */
function delaySql(policy: Backoff, count: Prisma.Sql, now: number): Prisma.Sql {
  // PostgreSQL cannot tell the type of parameters that are only a CASE's results: each is cast.
  const at = (delay: number) => Prisma.sql`CAST(${BigInt(now + delay)} AS BIGINT)`;
  const steps: Prisma.Sql[] = [Prisma.sql`WHEN ${count} < ${policy.free} THEN ${at(0)}`];
  for (let n = policy.free; backoffDelay(policy, n) < policy.capMs; n++) {
    steps.push(Prisma.sql`WHEN ${count} = ${n} THEN ${at(backoffDelay(policy, n))}`);
  }
  return Prisma.sql`(CASE ${Prisma.join(steps, " ")} ELSE ${at(policy.capMs)} END)`;
}

/** The kind of a key: what comes before its first colon, with the colon. */
export function kindOf(key: string): string {
  const colon = key.indexOf(":");
  if (colon < 1) throw new Error(`rate limit key without a kind: ${key}`);
  return key.slice(0, colon + 1);
}

async function deleteOlder(db: DbOrTx, key: string, before: number): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key: { startsWith: kindOf(key) }, windowStart: { lt: BigInt(before) } } });
}

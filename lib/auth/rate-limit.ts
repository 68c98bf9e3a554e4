// Fixed-window counters in the database, so a limit holds across every web server of a hosted
// install. A caller takes a number before doing the limited thing (so attempts sent all at once
// are counted too) and may give it back when the attempt turns out not to count (a successful
// sign-in does not use up the address's allowance).
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
    // A window started: rows whose windows ended long ago go, so the table stays small.
    await db.rateLimit.deleteMany({ where: { windowStart: { lt: BigInt(now - 2 * windowMs) } } });
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

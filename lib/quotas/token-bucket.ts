// Token buckets in the database (TokenBucket rows), so a rate holds across every web server of a
// hosted install. A bucket holds up to `burst` tokens and refills at `ratePerSecond`; the row
// keeps the tokens left at `updatedAt` (epoch ms), and each take refills by the time elapsed
// since, in the same statement that takes the token: one INSERT … ON CONFLICT DO UPDATE … WHERE
// … RETURNING, atomic on SQLite and PostgreSQL alike, so requests sent all at once to several
// servers never take more than the bucket holds. A refused take changes nothing.
//
// The clock is the caller's (each web server's). The refill counts only time after the row's
// updatedAt and updatedAt never moves back, so a server whose clock is behind refills nothing
// rather than handing out tokens twice for the same interval.
import { Prisma } from "@/generated/sqlite/client";
import { type RawSql, rawSql } from "@/lib/db/direct";

export interface BucketRate {
  /** Tokens added per second; must be > 0. */
  ratePerSecond: number;
  /** Most tokens the bucket holds (≥ 1). */
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch ms the tokens were counted at. */
  updatedAt: number;
}

/** Tokens in the bucket at `now`: what the statement computes, for reading a refused bucket. */
export function tokensAt(bucket: BucketState, rate: BucketRate, now: number): number {
  const elapsedMs = Math.max(0, now - bucket.updatedAt);
  return Math.min(rate.burst, bucket.tokens + (elapsedMs * rate.ratePerSecond) / 1000);
}

/** Milliseconds from `now` until the bucket holds a whole token again (0: it does). */
export function msUntilToken(bucket: BucketState, rate: BucketRate, now: number): number {
  const tokens = tokensAt(bucket, rate, now);
  if (tokens >= 1) return 0;
  return Math.ceil(((1 - tokens) * 1000) / rate.ratePerSecond);
}

export type Take = { ok: true; tokensLeft: number } | { ok: false; retryAfterMs: number };

/** Takes one token from the bucket `key` if there is one; a new bucket starts full. */
export async function takeToken(db: RawSql, key: string, rate: BucketRate, now = Date.now()): Promise<Take> {
  if (!(rate.ratePerSecond > 0) || !(rate.burst >= 1))
    throw new Error("a token bucket needs a rate > 0 and a burst ≥ 1");
  const sql = rawSql(db);
  const at = Prisma.sql`CAST(${now} AS BIGINT)`;
  const burst = Prisma.sql`CAST(${rate.burst} AS DOUBLE PRECISION)`;
  // Every SET expression and the WHERE see the row as it was before this statement.
  const refilled = Prisma.sql`("TokenBucket"."tokens" + (CASE WHEN ${at} > "TokenBucket"."updatedAt" THEN ${at} - "TokenBucket"."updatedAt" ELSE 0 END) * CAST(${rate.ratePerSecond} AS DOUBLE PRECISION) / 1000.0)`;
  const capped = Prisma.sql`(CASE WHEN ${refilled} < ${burst} THEN ${refilled} ELSE ${burst} END)`;
  const rows = await sql.$queryRaw<{ tokens: number }[]>`
    INSERT INTO "TokenBucket" ("key", "tokens", "updatedAt") VALUES (${key}, ${rate.burst - 1}, ${at})
    ON CONFLICT ("key") DO UPDATE SET
      "tokens" = ${capped} - 1,
      "updatedAt" = CASE WHEN "TokenBucket"."updatedAt" > ${at} THEN "TokenBucket"."updatedAt" ELSE ${at} END
    WHERE ${capped} >= 1
    RETURNING "tokens"`;
  const row = rows[0];
  if (row) return { ok: true, tokensLeft: Number(row.tokens) };
  // Refused: read the bucket (only on this path) to say when a token will be there.
  const [bucket] = await sql.$queryRaw<{ tokens: number; updatedAt: number | bigint }[]>`
    SELECT "tokens", "updatedAt" FROM "TokenBucket" WHERE "key" = ${key}`;
  const retryAfterMs = bucket
    ? msUntilToken({ tokens: Number(bucket.tokens), updatedAt: Number(bucket.updatedAt) }, rate, now)
    : 0;
  return { ok: false, retryAfterMs: Math.max(1, retryAfterMs) };
}

/**
 * Takes up to `count` tokens from the bucket `key` inside a write transaction the caller holds
 * (SubmitJob's group commit: one batch's submissions of an organization take their tokens
 * together, with no commit of their own). On PostgreSQL the row is locked until the caller's
 * commit; on SQLite the transaction already holds the write lock. Returns how many were taken
 * (0 … count) and, when fewer, how long until the next token.
 */
export async function takeTokensInTransaction(
  tx: RawSql,
  provider: "sqlite" | "postgresql",
  key: string,
  rate: BucketRate,
  count: number,
  now = Date.now(),
): Promise<{ taken: number; retryAfterMs: number }> {
  if (!(rate.ratePerSecond > 0) || !(rate.burst >= 1))
    throw new Error("a token bucket needs a rate > 0 and a burst ≥ 1");
  await tx.$executeRaw`
    INSERT INTO "TokenBucket" ("key", "tokens", "updatedAt") VALUES (${key}, ${rate.burst}, CAST(${now} AS BIGINT))
    ON CONFLICT ("key") DO NOTHING`;
  const lock = provider === "postgresql" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
  const [row] = await tx.$queryRaw<{ tokens: number; updatedAt: number | bigint }[]>`
    SELECT "tokens", "updatedAt" FROM "TokenBucket" WHERE "key" = ${key} ${lock}`;
  if (!row) throw new Error(`token bucket ${key} vanished inside its transaction`);
  const bucket = { tokens: Number(row.tokens), updatedAt: Number(row.updatedAt) };
  const available = tokensAt(bucket, rate, now);
  const taken = Math.max(0, Math.min(count, Math.floor(available)));
  // As takeToken: the refill counts only time after updatedAt, which never moves back.
  const updatedAt = Math.max(bucket.updatedAt, now);
  if (taken > 0 || updatedAt !== bucket.updatedAt) {
    await tx.$executeRaw`
      UPDATE "TokenBucket" SET "tokens" = ${available - taken}, "updatedAt" = CAST(${updatedAt} AS BIGINT)
      WHERE "key" = ${key}`;
  }
  const left = { tokens: available - taken, updatedAt };
  return { taken, retryAfterMs: taken < count ? Math.max(1, msUntilToken(left, rate, updatedAt)) : 0 };
}

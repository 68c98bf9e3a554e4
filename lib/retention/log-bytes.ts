// Stored log bytes by organization, for the "Log bytes kept" quota (OrganizationQuota.maxLogBytes,
// enforced by engine/retention.ts). LogChunk has no organization: chunks are counted through their
// job. Bytes, not characters: SQLite's length() of TEXT counts characters, so the text is measured
// as a BLOB there (its UTF-8 bytes); PostgreSQL's octet_length does the same.
import { Prisma } from "@/generated/sqlite/client";
import { TERMINAL_STATUSES } from "@/lib/batch/states";
import type { RawSql } from "@/lib/db/direct";
import type { Provider } from "@/lib/db/provider";

const bytesOf = (provider: Provider) =>
  provider === "postgresql" ? Prisma.sql`octet_length(c."data")` : Prisma.sql`length(CAST(c."data" AS BLOB))`;

/** What a SUM comes back as: a number on SQLite, bigint or numeric text on PostgreSQL, null for none. */
const toNumber = (v: number | bigint | string | null | undefined) => (v == null ? 0 : Number(v));

/** The bytes of every stored log chunk of the organization's jobs (all of them, any status). */
export async function organizationLogBytes(db: RawSql, provider: Provider, organizationId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ bytes: number | bigint | string | null }[]>`
    SELECT SUM(${bytesOf(provider)}) AS "bytes"
    FROM "LogChunk" c JOIN "Job" j ON j."id" = c."jobId"
    WHERE j."organizationId" = ${organizationId}`;
  return toNumber(row?.bytes);
}

/** The stored log bytes of each of these jobs (absent: none); at most 500 ids. */
export async function jobLogBytes(
  db: RawSql,
  provider: Provider,
  jobIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (jobIds.length === 0) return out;
  const rows = await db.$queryRaw<{ jobId: string; bytes: number | bigint | string | null }[]>`
    SELECT c."jobId" AS "jobId", SUM(${bytesOf(provider)}) AS "bytes"
    FROM "LogChunk" c WHERE c."jobId" IN (${Prisma.join(jobIds)})
    GROUP BY c."jobId"`;
  for (const r of rows) out.set(r.jobId, toNumber(r.bytes));
  return out;
}

/**
 * Deletes the log chunks of these jobs that are the organization's and finished (checked in the
 * statement itself: an unfinished job's logs are never deleted). Returns the chunks deleted.
 */
export async function deleteFinishedJobLogs(db: RawSql, organizationId: string, jobIds: readonly string[]) {
  if (jobIds.length === 0) return 0;
  return db.$executeRaw`
    DELETE FROM "LogChunk" WHERE "jobId" IN (
      SELECT "id" FROM "Job"
      WHERE "id" IN (${Prisma.join(jobIds)}) AND "organizationId" = ${organizationId}
        AND "status" IN (${Prisma.join([...TERMINAL_STATUSES])}))`;
}

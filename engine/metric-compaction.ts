// Downsampling of metric samples, so a dashboard range reads about the same number of rows
// whether it covers an hour or a week. Run with the prune (hourly), per organization and kind,
// each step a range scan on MetricSample(organizationId, kind, at):
//   samples older than 1 hour  → one row per series per minute,
//   samples older than 24 hours → one row per series per 15 minutes.
// A compacted row holds the peak of the rows it replaces for counts in a state and vCPUs
// (the dashboard draws the peak per bucket) and their sum for jobs finished, so any dashboard
// bucket that is a multiple of the resolution (lib/metrics/ranges.ts: 1 min and up past an
// hour, 15 min and up past a day) shows exactly what it showed before. Compacting a range
// twice changes nothing, so each pass re-reads a WINDOW_MS overlap and survives missed runs.
import { Prisma } from "@/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";

export const COMPACTION_LEVELS = [
  { olderThanMs: 3_600_000, resolutionMs: 60_000 },
  { olderThanMs: 24 * 3_600_000, resolutionMs: 15 * 60_000 },
] as const;
const WINDOW_MS = 6 * 3_600_000;
const GAUGES = ["queue.status", "ce.vcpus", "ce.memoryMiB"];
const COUNTERS = ["queue.finished"];

/** Returns how many sample rows were removed (replaced by fewer compacted ones). */
export async function compactMetrics(db: Db, now: number): Promise<number> {
  const orgs = await db.organization.findMany({ select: { id: true } });
  let removed = 0;
  for (const level of COMPACTION_LEVELS) {
    const res = level.resolutionMs;
    const hi = Math.floor((now - level.olderThanMs) / res) * res;
    const lo = hi - WINDOW_MS;
    for (const { id: org } of orgs) {
      for (const kind of [...GAUGES, ...COUNTERS]) {
        const agg = COUNTERS.includes(kind) ? Prisma.sql`SUM("value")` : Prisma.sql`MAX("value")`;
        const range = Prisma.sql`"organizationId" = ${org} AND "kind" = ${kind} AND "at" >= ${BigInt(lo)} AND "at" < ${BigInt(hi)}`;
        // Reads, then rewrites: a write transaction.
        removed += await writeTransaction(db, async (tx) => {
          const [stats] = await tx.$queryRaw<{ n: bigint | number; buckets: bigint | number; top: number | null }[]>`
            SELECT COUNT(*) AS n, COUNT(DISTINCT ("at" / ${BigInt(res)}) || ':' || "key") AS buckets, MAX("id") AS top
            FROM "MetricSample" WHERE ${range}`;
          // Already one row per series and bucket: nothing to do.
          if (!stats || stats.top === null || Number(stats.n) === Number(stats.buckets)) return 0;
          await tx.$executeRaw`
            INSERT INTO "MetricSample" ("organizationId", "at", "kind", "key", "value")
            SELECT "organizationId", "b" * ${BigInt(res)}, "kind", "key", ${agg}
            FROM (
              SELECT "organizationId", "kind", "key", "value", "at" / ${BigInt(res)} AS "b"
              FROM "MetricSample" WHERE ${range}
            ) AS raw
            GROUP BY "organizationId", "kind", "key", "b"`;
          return tx.$executeRaw`DELETE FROM "MetricSample" WHERE ${range} AND "id" <= ${Number(stats.top)}`;
        });
      }
    }
  }
  return removed;
}

// The dashboard's figures for one time range, aggregated in the database:
//   - from MetricSample (engine/sampler.ts), one row per bucket and series: jobs PENDING,
//     RUNNABLE and RUNNING per queue and vCPUs in use per compute environment (the peak in
//     the bucket: the sampler writes no row for a count of zero, so an average over the rows
//     present would overstate), and jobs finished per queue and status (the sum);
//   - from Job, over jobs that stopped in the range: run-time percentiles (RUNNING → stop)
//     and the job definitions that failed most.
// Every query is a range scan on an index that starts with the organization and bounds the
// time; the two over Job read at most JOB_SAMPLE rows (the most recent) so a range holding a
// million finished jobs costs the same as one holding fifty thousand.
import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { CHARTED_STATUSES, type ChartedStatus, isTerminal, JobStatus, type TerminalStatus } from "@/lib/batch/states";

const MAX_POINTS = 500;
const MAX_RANGE_MS = 8 * 24 * 3600 * 1000;
/** Finished jobs read for percentiles and failures, newest first. */
export const JOB_SAMPLE = 20_000;
const TOP_FAILING = 5;

export type ActiveSeriesStatus = ChartedStatus;

export const getMetricSeriesInput = z
  .object({
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    bucket: z.number().int().min(1_000),
  })
  .refine((r) => r.to > r.from, { message: "The range must end after it starts.", path: ["to"] })
  .refine((r) => r.to - r.from <= MAX_RANGE_MS, { message: "The range is longer than 8 days.", path: ["from"] })
  .refine((r) => (r.to - r.from) / r.bucket <= MAX_POINTS, {
    message: `The bucket is too small: at most ${MAX_POINTS} points.`,
    path: ["bucket"],
  });
export type GetMetricSeriesInput = z.input<typeof getMetricSeriesInput>;

export interface MetricSeries {
  from: number;
  to: number;
  bucket: number;
  /** Start of each bucket; every `values` array is aligned with it. */
  times: number[];
  queues: { id: string; name: string }[];
  computeEnvironments: { id: string; name: string; maxvCpus: number | null }[];
  active: { queueId: string; status: ActiveSeriesStatus; values: number[] }[];
  finished: { queueId: string; status: TerminalStatus; values: number[] }[];
  vcpus: { computeEnvironmentId: string; values: number[] }[];
  totals: { succeeded: number; failed: number; perMinute: number };
  /** Seconds from RUNNING to stop, over jobs that stopped in the range (the newest JOB_SAMPLE). */
  runTime: { count: number; p50: number; p90: number; p99: number; sampled: boolean } | null;
  topFailing: { jobDefinitionId: string; name: string; revision: number; failures: number }[];
  /** Anything at all was recorded in the range. */
  hasData: boolean;
  /** Set when only some figures are recorded (AWS: no finished jobs, run times or failures), said above the charts. */
  partial?: string;
}

const SERIES_KINDS = ["queue.status", "queue.finished", "ce.vcpus"] as const;

/** The three aggregate queries, exported so tests and the bench can EXPLAIN exactly these. */
export const metricQueries = {
  // One range scan per kind (kind = constant), so each is bounded on (organization, kind,
  // time) in the index; with `kind IN (…)` PostgreSQL may test the kind as a filter instead.
  buckets: (org: string, from: number, to: number, bucket: number) =>
    Prisma.join(
      SERIES_KINDS.map(
        (kind) => Prisma.sql`
      SELECT ("at" - ${BigInt(from)}) / ${BigInt(bucket)} AS b, "kind", "key",
             MAX("value") AS mx, SUM("value") AS sm
      FROM "MetricSample"
      WHERE "organizationId" = ${org} AND "kind" = ${kind}
        AND "at" >= ${BigInt(from)} AND "at" < ${BigInt(to)}
      GROUP BY 1, "kind", "key"`,
      ),
      " UNION ALL ",
      "",
      "",
    ),
  runTimes: (org: string, from: number, to: number) => Prisma.sql`
      SELECT "stoppedAt" - "startedAt" AS d
      FROM "Job"
      WHERE "organizationId" = ${org} AND "stoppedAt" >= ${BigInt(from)} AND "stoppedAt" < ${BigInt(to)}
        AND "startedAt" IS NOT NULL
      ORDER BY "stoppedAt" DESC
      LIMIT ${JOB_SAMPLE}`,
  topFailing: (org: string, from: number, to: number) => Prisma.sql`
      SELECT "jobDefinitionId", COUNT(*) AS n
      FROM (
        SELECT "jobDefinitionId" FROM "Job"
        WHERE "organizationId" = ${org} AND "status" = ${JobStatus.FAILED}
          AND "stoppedAt" >= ${BigInt(from)} AND "stoppedAt" < ${BigInt(to)}
        ORDER BY "stoppedAt" DESC
        LIMIT ${JOB_SAMPLE}
      ) AS recent
      GROUP BY "jobDefinitionId"
      ORDER BY n DESC, "jobDefinitionId"
      LIMIT ${TOP_FAILING}`,
};

export interface BucketRow {
  b: bigint | number;
  kind: string;
  key: string;
  mx: number;
  sm: number;
}

/**
 * The bucket rows as series: the peak per bucket for jobs in a state and vCPUs, the sum for
 * jobs finished. Shared with the AWS backend, whose samples have the same kinds and keys.
 */
export function seriesFromBuckets(buckets: BucketRow[], points: number) {
  const active = new Map<string, { queueId: string; status: ActiveSeriesStatus; values: number[] }>();
  const finished = new Map<string, { queueId: string; status: TerminalStatus; values: number[] }>();
  const vcpus = new Map<string, { computeEnvironmentId: string; values: number[] }>();
  const zeros = () => new Array<number>(points).fill(0);
  let succeeded = 0;
  let failed = 0;
  for (const row of buckets) {
    const i = Number(row.b);
    if (i < 0 || i >= points) continue;
    if (row.kind === "ce.vcpus") {
      const s = vcpus.get(row.key) ?? { computeEnvironmentId: row.key, values: zeros() };
      s.values[i] = Number(row.mx);
      vcpus.set(row.key, s);
      continue;
    }
    const cut = row.key.lastIndexOf(":");
    const queueId = row.key.slice(0, cut);
    const status = row.key.slice(cut + 1);
    if (row.kind === "queue.status" && (CHARTED_STATUSES as readonly string[]).includes(status)) {
      const s = active.get(row.key) ?? { queueId, status: status as ActiveSeriesStatus, values: zeros() };
      s.values[i] = Number(row.mx);
      active.set(row.key, s);
    } else if (row.kind === "queue.finished" && isTerminal(status)) {
      const s = finished.get(row.key) ?? { queueId, status: status as TerminalStatus, values: zeros() };
      const n = Number(row.sm);
      s.values[i] = n;
      finished.set(row.key, s);
      if (status === JobStatus.SUCCEEDED) succeeded += n;
      else failed += n;
    }
  }
  return {
    active: [...active.values()],
    finished: [...finished.values()],
    vcpus: [...vcpus.values()],
    succeeded,
    failed,
  };
}

export async function getMetricSeries(ctx: OrgContext, raw: GetMetricSeriesInput): Promise<MetricSeries> {
  requirePermission(ctx, "resources.view");
  const { from, to, bucket } = parseInput(getMetricSeriesInput, raw);
  const org = ctx.organizationId;
  const points = Math.ceil((to - from) / bucket);
  const times = Array.from({ length: points }, (_, i) => from + i * bucket);

  const [buckets, durations, failing, queues, environments] = await Promise.all([
    ctx.db.$queryRaw<BucketRow[]>(metricQueries.buckets(org, from, to, bucket)),
    ctx.db.$queryRaw<{ d: bigint | number }[]>(metricQueries.runTimes(org, from, to)),
    ctx.db.$queryRaw<{ jobDefinitionId: string; n: bigint | number }[]>(metricQueries.topFailing(org, from, to)),
    ctx.db.jobQueue.findMany({
      where: { organizationId: org },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    ctx.db.computeEnvironment.findMany({
      where: { organizationId: org },
      select: { id: true, name: true, maxVcpus: true },
      orderBy: { name: "asc" },
    }),
  ]);

  const { active, finished, vcpus, succeeded, failed } = seriesFromBuckets(buckets, points);

  const sorted = durations.map((r) => Number(r.d)).sort((a, b) => a - b);
  const runTime =
    sorted.length === 0
      ? null
      : {
          count: sorted.length,
          p50: percentile(sorted, 50) / 1000,
          p90: percentile(sorted, 90) / 1000,
          p99: percentile(sorted, 99) / 1000,
          sampled: sorted.length === JOB_SAMPLE,
        };

  const definitions = failing.length
    ? await ctx.db.jobDefinition.findMany({
        where: { organizationId: org, id: { in: failing.map((f) => f.jobDefinitionId) } },
        select: { id: true, name: true, revision: true },
      })
    : [];
  const topFailing = failing.map((f) => {
    const d = definitions.find((x) => x.id === f.jobDefinitionId);
    return {
      jobDefinitionId: f.jobDefinitionId,
      name: d?.name ?? f.jobDefinitionId,
      revision: d?.revision ?? 0,
      failures: Number(f.n),
    };
  });

  return {
    from,
    to,
    bucket,
    times,
    queues,
    computeEnvironments: environments.map((e) => ({ id: e.id, name: e.name, maxvCpus: e.maxVcpus })),
    active,
    finished,
    vcpus,
    totals: { succeeded, failed, perMinute: (succeeded + failed) / ((to - from) / 60_000) },
    runTime,
    topFailing,
    hasData: buckets.length > 0 || sorted.length > 0,
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

// The dashboard for organizations on AWS Batch. AWS keeps no history Batchdeck could read back
// cheaply, so the engine's leader samples each AWS organization every AWS_SAMPLE_MS into the
// same MetricSample table the built-in engine's sampler fills (engine/sampler.ts), with the
// same kinds: "queue.status" keyed "<queue name>:<status>" (jobs in the status, from the
// ListJobs counts of console.ts, so at most 1,000 per status) and "ce.vcpus" keyed by the
// environment's name (desiredvCpus, what AWS is scaling it to). Compaction and pruning then
// treat them like any other samples.
//
// Finished jobs, run times and the most failing definitions need every finished job's stop
// time, which only a scan of AWS's listings would give; they are not recorded, and the series
// says so (`partial`).
import type { OrgContext } from "@/lib/auth/context";
import { requirePermission } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { SAMPLED_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import type { EngineLog } from "@/lib/log";
import {
  type BucketRow,
  type GetMetricSeriesInput,
  getMetricSeriesInput,
  type MetricSeries,
  metricQueries,
  seriesFromBuckets,
} from "@/lib/metrics/get-metric-series";
import type { AwsClients } from "./clients";
import {
  computeEnvironmentUsage,
  describeAllComputeEnvironments,
  describeAllJobQueues,
  jobQueueCounts,
} from "./console";
import { awsClientsFor } from "./for-organization";

/** A round costs a DescribeJobQueues and 7 ListJobs per queue, so once a minute. */
export const AWS_SAMPLE_MS = 60_000;

export const METRICS_PARTIAL =
  "On AWS Batch the dashboard charts jobs waiting and running per queue and the vCPUs AWS is scaling each compute environment to, sampled by the engine (once a minute by default; at most 1,000 jobs per queue and status). Finished jobs, run times and failing definitions are not recorded for AWS; see Amazon CloudWatch for those.";

/** One sample of one AWS organization; returns the rows written (none for zeros, as the built-in sampler). */
export async function sampleAwsOrganization(
  db: Db,
  organizationId: string,
  clients: AwsClients,
  now: number,
): Promise<number> {
  const [counts, usage] = await Promise.all([jobQueueCounts(clients), computeEnvironmentUsage(clients)]);
  const rows = [
    ...counts.jobQueues.flatMap((q) =>
      SAMPLED_STATUSES.filter((status) => q.counts[status] > 0).map((status) => ({
        organizationId,
        at: now,
        kind: "queue.status",
        key: `${q.jobQueueName}:${status}`,
        value: q.counts[status],
      })),
    ),
    ...usage.computeEnvironments
      .filter((e) => (e.vcpus ?? 0) > 0)
      .map((e) => ({
        organizationId,
        at: now,
        kind: "ce.vcpus",
        key: e.computeEnvironmentName,
        value: e.vcpus ?? 0,
      })),
  ];
  if (rows.length > 0) await db.metricSample.createMany({ data: rows });
  return rows.length;
}

/** A failure already logged is repeated only when it changes or after this long. */
const REPEAT_FAILURE_MS = 10 * 60_000;
const lastFailure = new Map<string, { message: string; at: number }>();

/**
 * Every organization on AWS Batch, one after another; one that cannot be reached is logged and
 * skipped, so it never holds up the others. An organization that stays unreachable is logged
 * when its failure changes, every ten minutes while it lasts, and once when it recovers, not at
 * every sample.
 */
export async function sampleAwsOrganizations(db: Db, now: number, log: EngineLog): Promise<void> {
  const organizations = await db.organization.findMany({ where: { backend: "aws" }, select: { id: true } });
  for (const { id } of organizations) {
    try {
      const clients = await awsClientsFor({ db, organizationId: id });
      if (clients) await sampleAwsOrganization(db, id, clients, now);
      if (lastFailure.delete(id)) log("AWS metrics sample works again", { organizationId: id });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = lastFailure.get(id);
      if (last && last.message === message && now - last.at < REPEAT_FAILURE_MS) continue;
      lastFailure.set(id, { message, at: now });
      log("AWS metrics sample failed", { level: "warn", organizationId: id, message });
    }
  }
}

/** The dashboard's series from the samples, with the queues and environments AWS lists now. */
export async function getMetricSeries(
  clients: AwsClients,
  ctx: OrgContext,
  raw: GetMetricSeriesInput,
): Promise<MetricSeries> {
  requirePermission(ctx, "resources.view");
  const { from, to, bucket } = parseInput(getMetricSeriesInput, raw);
  const points = Math.ceil((to - from) / bucket);
  const [buckets, queues, environments] = await Promise.all([
    ctx.db.$queryRaw<BucketRow[]>(metricQueries.buckets(ctx.organizationId, from, to, bucket)),
    describeAllJobQueues(clients),
    describeAllComputeEnvironments(clients),
  ]);
  const { active, vcpus } = seriesFromBuckets(buckets, points);
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    from,
    to,
    bucket,
    times: Array.from({ length: points }, (_, i) => from + i * bucket),
    // Samples are keyed by name, so the name is the id here.
    queues: queues.flatMap((q) => (q.jobQueueName ? [{ id: q.jobQueueName, name: q.jobQueueName }] : [])).sort(byName),
    computeEnvironments: environments
      .flatMap((e) =>
        e.computeEnvironmentName
          ? [
              {
                id: e.computeEnvironmentName,
                name: e.computeEnvironmentName,
                maxvCpus: e.computeResources?.maxvCpus ?? null,
              },
            ]
          : [],
      )
      .sort(byName),
    active,
    finished: [],
    vcpus,
    totals: { succeeded: 0, failed: 0, perMinute: 0 },
    runTime: null,
    topFailing: [],
    hasData: buckets.length > 0,
    partial: METRICS_PARTIAL,
  };
}

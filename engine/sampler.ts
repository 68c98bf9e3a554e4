// Metric samples for the dashboards, per organization, every sampleMs:
//   kind "queue.status"   key "<queueId>:<status>"  value: jobs in that status (PENDING…RUNNING)
//   kind "queue.finished" key "<queueId>:<status>"  value: jobs that reached SUCCEEDED/FAILED
//                                                   since the previous sample
//   kind "ce.vcpus" / "ce.memoryMiB"  key "<computeEnvironmentId>"  value: in use now
// Samples older than RETENTION_MS are pruned by pruneMetrics.
import { ON_HOST_STATUSES, SAMPLED_STATUSES, TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";

const RETENTION_MS = 7 * 24 * 3600 * 1000;

export async function sampleMetrics(db: Db, since: number, now: number): Promise<number> {
  const [active, finished, onHost] = await Promise.all([
    db.job.groupBy({
      by: ["organizationId", "jobQueueId", "status"],
      where: { status: { in: [...SAMPLED_STATUSES] } },
      _count: { _all: true },
    }),
    db.job.groupBy({
      by: ["organizationId", "jobQueueId", "status"],
      where: { status: { in: [...TERMINAL_STATUSES] }, stoppedAt: { gt: since, lte: now } },
      _count: { _all: true },
    }),
    db.job.groupBy({
      by: ["organizationId", "computeEnvironmentId"],
      where: { status: { in: [...ON_HOST_STATUSES] }, computeEnvironmentId: { not: null } },
      _sum: { vcpus: true, memoryMiB: true },
    }),
  ]);
  const rows = [
    ...active.map((r) => ({
      organizationId: r.organizationId,
      at: now,
      kind: "queue.status",
      key: `${r.jobQueueId}:${r.status}`,
      value: r._count._all,
    })),
    ...finished.map((r) => ({
      organizationId: r.organizationId,
      at: now,
      kind: "queue.finished",
      key: `${r.jobQueueId}:${r.status}`,
      value: r._count._all,
    })),
    ...onHost.flatMap((r) => [
      {
        organizationId: r.organizationId,
        at: now,
        kind: "ce.vcpus",
        key: r.computeEnvironmentId!,
        value: r._sum.vcpus ?? 0,
      },
      {
        organizationId: r.organizationId,
        at: now,
        kind: "ce.memoryMiB",
        key: r.computeEnvironmentId!,
        value: r._sum.memoryMiB ?? 0,
      },
    ]),
  ];
  if (rows.length > 0) await db.metricSample.createMany({ data: rows });
  return rows.length;
}

/** Run rarely (hourly): it scans the samples table. */
export async function pruneMetrics(db: Db, now: number): Promise<void> {
  await db.metricSample.deleteMany({ where: { at: { lt: now - RETENTION_MS } } });
}

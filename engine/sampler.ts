// Metric samples for the dashboards, per organization, every sampleMs:
//   kind "queue.status"   key "<queueId>:<status>"  value: jobs in that status (PENDING…RUNNING)
//   kind "queue.finished" key "<queueId>:<status>"  value: jobs that reached SUCCEEDED/FAILED
//                                                   since the previous sample
//   kind "ce.vcpus" / "ce.memoryMiB"  key "<computeEnvironmentId>"  value: in use now
// Samples older than RETENTION_MS are pruned by pruneMetrics.

import { Prisma } from "@/generated/sqlite/client";
import { ON_HOST_STATUSES, SAMPLED_STATUSES, TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";

const RETENTION_MS = 7 * 24 * 3600 * 1000;

type Count = { organizationId: string; jobQueueId: string; status: string; n: number | bigint };
type InUse = {
  organizationId: string;
  computeEnvironmentId: string;
  vcpus: number | null;
  memoryMiB: number | bigint | null;
};

/**
 * The three counts are direct statements (lib/db/direct.ts): the sampler runs every sampleMs on
 * an idle engine too, and Prisma's client spent more CPU building a groupBy than running it.
 */
export async function sampleMetrics(db: Db, since: number, now: number): Promise<number> {
  const sql = direct(db);
  const statuses = (list: readonly string[]) => Prisma.join([...list]);
  const [active, finished, onHost] = await Promise.all([
    sql.$queryRaw<Count[]>`
      SELECT "organizationId", "jobQueueId", "status", COUNT(*) AS "n" FROM "Job"
      WHERE "status" IN (${statuses(SAMPLED_STATUSES)})
      GROUP BY "organizationId", "jobQueueId", "status"`,
    sql.$queryRaw<Count[]>`
      SELECT "organizationId", "jobQueueId", "status", COUNT(*) AS "n" FROM "Job"
      WHERE "status" IN (${statuses(TERMINAL_STATUSES)}) AND "stoppedAt" > ${since} AND "stoppedAt" <= ${now}
      GROUP BY "organizationId", "jobQueueId", "status"`,
    sql.$queryRaw<InUse[]>`
      SELECT "organizationId", "computeEnvironmentId", SUM("vcpus") AS "vcpus", SUM("memoryMiB") AS "memoryMiB"
      FROM "Job"
      WHERE "status" IN (${statuses(ON_HOST_STATUSES)}) AND "computeEnvironmentId" IS NOT NULL
      GROUP BY "organizationId", "computeEnvironmentId"`,
  ]);
  const rows = [
    ...active.map((r) => ({
      organizationId: r.organizationId,
      at: now,
      kind: "queue.status",
      key: `${r.jobQueueId}:${r.status}`,
      value: Number(r.n),
    })),
    ...finished.map((r) => ({
      organizationId: r.organizationId,
      at: now,
      kind: "queue.finished",
      key: `${r.jobQueueId}:${r.status}`,
      value: Number(r.n),
    })),
    ...onHost.flatMap((r) => [
      {
        organizationId: r.organizationId,
        at: now,
        kind: "ce.vcpus",
        key: r.computeEnvironmentId,
        value: Number(r.vcpus ?? 0),
      },
      {
        organizationId: r.organizationId,
        at: now,
        kind: "ce.memoryMiB",
        key: r.computeEnvironmentId,
        value: Number(r.memoryMiB ?? 0),
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

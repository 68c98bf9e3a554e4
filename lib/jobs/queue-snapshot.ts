// GetJobQueueSnapshot: the first 100 RUNNABLE jobs of a queue in the order the engine would
// dispatch them (AWS shape: frontOfQueue {jobs[{jobArn, earliestTimeAtPosition}],
// lastUpdatedAt}). Fair-share queues are ordered by placement.ts with the shares' running
// vCPUs and the recent usage the leading engine last saved (lib/jobs/share-usage-row.ts, every
// 2 s), so on a busy fair-share queue the snapshot is a close approximation, as AWS's own is. Beside the
// front, queueUtilization: the vCPUs the queue's jobs hold now (queue-utilization.ts).
import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import { jobArn } from "@/lib/batch/arn";
import { dispatchOrder, type FairShare, type PlacementJob } from "@/lib/batch/placement";
import { JobStatus, ON_HOST_STATUSES } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { type RawSql, rawSql } from "@/lib/db/direct";
import { accountIdOf } from "@/lib/resources/account";
import { resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
import { type QueueUtilization, queueUtilization } from "./queue-utilization";
import { decayMsOf, queueUsage, readSavedUsage } from "./share-usage-row";

export const getJobQueueSnapshotInput = z.object({
  jobQueue: z.string({ message: "jobQueue is required." }).min(1, "jobQueue is required."),
});
export type GetJobQueueSnapshotInput = z.infer<typeof getJobQueueSnapshotInput>;

export interface JobQueueSnapshot {
  frontOfQueue: { jobs: { jobArn: string; earliestTimeAtPosition: number }[]; lastUpdatedAt: number };
  /** Capacity in use by the queue's jobs (queue-utilization.ts); absent only when AWS leaves it out. */
  queueUtilization?: QueueUtilization;
}

const FRONT = 100;
/** Priority levels read per call; past this many distinct levels the rest wait a pass. */
const MAX_LEVELS = 20;
/** Candidates read before ordering: fair share may pull jobs from well behind the FIFO front. */
const WINDOW = 1_000;

/** A RUNNABLE job as the front's raw read returns it (64-bit columns as number or bigint). */
export interface FrontRow {
  id: string;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  schedulingPriority: number;
  createdAt: number | bigint;
  runnableAt: number | bigint | null;
  shareIdentifier: string | null;
}

/** The queue as the front's read needs it: a fair-share queue orders by schedulingPriority. */
export interface FrontQueue {
  id: string;
  organizationId: string;
  fairShare: boolean;
}

/**
 * The first `take` RUNNABLE jobs of a queue, as the engine reads them each pass. A FIFO queue's
 * in submission order (createdAt, then id: UUIDv7 ids sort in submission order), one index range
 * read. A fair-share queue's by schedulingPriority desc then createdAt (AWS: the priority counts
 * only there), one priority level at a time, because no index serves the mixed-direction ORDER
 * BY: asking for it directly sorts every RUNNABLE job of the queue, which at 100,000 queued jobs
 * is the whole cost of a scheduling pass. Each level here is an index range read of at most
 * `take` rows.
 */
export async function readQueueFront(db: RawSql, queue: FrontQueue, take: number): Promise<FrontRow[]> {
  const sql = rawSql(db);
  if (!queue.fairShare) {
    return sql.$queryRaw<FrontRow[]>`
      SELECT "id", "vcpus", "memoryMiB", "gpus", "schedulingPriority", "createdAt", "runnableAt", "shareIdentifier"
      FROM "Job"
      WHERE "organizationId" = ${queue.organizationId} AND "jobQueueId" = ${queue.id} AND "status" = ${JobStatus.RUNNABLE}
      ORDER BY "createdAt" ASC, "id" ASC LIMIT ${take}`;
  }
  const out: FrontRow[] = [];
  let below: number | undefined;
  for (let levels = 0; out.length < take && levels < MAX_LEVELS; levels++) {
    const lower = below === undefined ? Prisma.empty : Prisma.sql`AND "schedulingPriority" < ${below}`;
    const [top] = await sql.$queryRaw<{ schedulingPriority: number }[]>`
      SELECT "schedulingPriority" FROM "Job"
      WHERE "status" = ${JobStatus.RUNNABLE} AND "jobQueueId" = ${queue.id} ${lower}
      ORDER BY "schedulingPriority" DESC LIMIT 1`;
    if (!top) break;
    const level = Number(top.schedulingPriority);
    out.push(
      ...(await sql.$queryRaw<FrontRow[]>`
        SELECT "id", "vcpus", "memoryMiB", "gpus", "schedulingPriority", "createdAt", "runnableAt", "shareIdentifier"
        FROM "Job"
        WHERE "status" = ${JobStatus.RUNNABLE} AND "jobQueueId" = ${queue.id} AND "schedulingPriority" = ${level}
        ORDER BY "createdAt" ASC LIMIT ${take - out.length}`),
    );
    below = level;
  }
  return out;
}

export async function getJobQueueSnapshot(ctx: OrgContext, input: GetJobQueueSnapshotInput): Promise<JobQueueSnapshot> {
  const { db, organizationId } = ctx;
  const queue = await resolveJobQueue(db, organizationId, input.jobQueue);
  const now = Date.now();
  const front = (await queueDispatchOrder(db, organizationId, queue)).slice(0, FRONT);
  const accountId = await accountIdOf(db, organizationId);
  return {
    frontOfQueue: {
      // The engine keeps no history of positions; the time the job became RUNNABLE is the
      // earliest moment it can have held its place.
      jobs: front.map((j) => ({ jobArn: jobArn(accountId, j.id), earliestTimeAtPosition: j.runnableAt })),
      lastUpdatedAt: now,
    },
    queueUtilization: await queueUtilization(ctx, queue, now),
  };
}

/**
 * The front of a queue's RUNNABLE jobs in the order the engine would dispatch them: the first
 * 100 of a FIFO queue, or, on a fair-share queue, the first 1,000 reordered by share usage.
 * Also what the console's "why isn't this job running" reads for a job's place in the queue.
 */
export async function queueDispatchOrder(
  db: DbOrTx,
  organizationId: string,
  queue: { id: string; schedulingPolicyId: string | null },
  take = queue.schedulingPolicyId ? WINDOW : FRONT,
): Promise<PlacementJob[]> {
  const rows = await readQueueFront(
    db,
    { id: queue.id, organizationId, fairShare: queue.schedulingPolicyId !== null },
    take,
  );
  const jobs: PlacementJob[] = rows.map((r) => ({
    id: r.id,
    queueId: queue.id,
    vcpus: r.vcpus,
    memoryMiB: r.memoryMiB,
    gpus: r.gpus,
    schedulingPriority: r.schedulingPriority,
    createdAt: Number(r.createdAt),
    runnableAt: Number(r.runnableAt ?? r.createdAt),
    shareIdentifier: r.shareIdentifier,
  }));
  let fairShare: FairShare | undefined;
  if (queue.schedulingPolicyId) {
    const policy = await db.schedulingPolicy.findFirst({
      where: { id: queue.schedulingPolicyId, organizationId },
      select: { fairsharePolicy: true },
    });
    const parsed = safeJson(policy?.fairsharePolicy) as {
      shareDecaySeconds?: number;
      computeReservation?: number;
      shareDistribution?: { shareIdentifier: string; weightFactor?: number }[];
    };
    const running = await db.job.groupBy({
      by: ["shareIdentifier"],
      where: { organizationId, jobQueueId: queue.id, status: { in: [...ON_HOST_STATUSES] } },
      _sum: { vcpus: true },
    });
    fairShare = {
      computeReservation: parsed.computeReservation ?? 0,
      weights: (parsed.shareDistribution ?? []).map((d) => ({
        shareIdentifier: d.shareIdentifier,
        weightFactor: d.weightFactor ?? 1,
      })),
      usage: queueUsage(await readSavedUsage(db), queue.id, decayMsOf(parsed.shareDecaySeconds), Date.now()),
      running: Object.fromEntries(running.map((r) => [r.shareIdentifier ?? "", r._sum.vcpus ?? 0])),
    };
  }
  return dispatchOrder(jobs, fairShare);
}

function safeJson(text: string | undefined): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

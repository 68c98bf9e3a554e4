// How many jobs each job queue holds in each status, for the queue list's live counts.
//
// Jobs waiting or running (SUBMITTED … RUNNING) are counted exactly on every call: they are
// what a reader watches move, and there are few of them next to the finished ones. Finished
// jobs (SUCCEEDED, FAILED) are most of the table on a long-lived install, and counting a
// million of them takes a full scan of the (organizationId, jobQueueId, status, …) index,
// ~200 ms on SQLite, however it is indexed. So those two counts come from a per-process
// cache, per organization, refreshed in the background once older than TERMINAL_FRESH_MS
// (the reader gets the previous figures meanwhile) and recomputed in line when nobody asked
// for TERMINAL_STALE_MS. A finished count is thus at most a few seconds behind.
import type { OrgContext } from "@/lib/auth/context";
import { ACTIVE_STATUSES, JOB_STATUSES, type JobStatus, TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { logger } from "@/lib/log";

export interface JobQueueCounts {
  jobQueueName: string;
  counts: Record<JobStatus, number>;
  /** Statuses whose count stopped at a cap (the AWS backend counts list pages): "N+" in the console. */
  capped?: Partial<Record<JobStatus, true>>;
}

export const TERMINAL_FRESH_MS = 5_000;
const TERMINAL_STALE_MS = 60_000;

type QueueStatusCounts = Map<string, Partial<Record<JobStatus, number>>>;

interface TerminalEntry {
  at: number;
  counts: QueueStatusCounts;
  refreshing: boolean;
}

// Keyed by client as well as organization, so two databases in one process (tests) never mix.
const terminalCache = new WeakMap<Db, Map<string, TerminalEntry>>();

const zeros = (): Record<JobStatus, number> =>
  Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;

/**
 * With `queueIds`, the (organizationId, jobQueueId, status, …) index is read by one seek per
 * queue and status, instead of scanning the organization's whole range of it.
 */
async function countByQueue(
  db: Db,
  organizationId: string,
  statuses: readonly JobStatus[],
  queueIds?: string[],
): Promise<QueueStatusCounts> {
  const groups = await db.job.groupBy({
    by: ["jobQueueId", "status"],
    where: { organizationId, status: { in: [...statuses] }, ...(queueIds ? { jobQueueId: { in: queueIds } } : {}) },
    _count: { _all: true },
  });
  const out: QueueStatusCounts = new Map();
  for (const g of groups) {
    const entry = out.get(g.jobQueueId) ?? {};
    entry[g.status as JobStatus] = g._count._all;
    out.set(g.jobQueueId, entry);
  }
  return out;
}

async function terminalCounts(db: Db, organizationId: string, maxAgeMs: number): Promise<QueueStatusCounts> {
  let byOrg = terminalCache.get(db);
  if (!byOrg) {
    byOrg = new Map();
    terminalCache.set(db, byOrg);
  }
  const now = Date.now();
  const cached = byOrg.get(organizationId);
  const age = cached ? now - cached.at : Number.POSITIVE_INFINITY;
  if (cached && age <= maxAgeMs) return cached.counts;
  if (cached && age <= Math.max(maxAgeMs, TERMINAL_STALE_MS) && maxAgeMs > 0) {
    if (!cached.refreshing) {
      cached.refreshing = true;
      countByQueue(db, organizationId, TERMINAL_STATUSES)
        .then((counts) => byOrg.set(organizationId, { at: Date.now(), counts, refreshing: false }))
        .catch((error) => {
          cached.refreshing = false;
          logger().error("queue counts refresh failed", { component: "web", organizationId, error });
        });
    }
    return cached.counts;
  }
  const counts = await countByQueue(db, organizationId, TERMINAL_STATUSES);
  byOrg.set(organizationId, { at: now, counts, refreshing: false });
  return counts;
}

/**
 * One entry per live (not deleted) queue of the organization, ordered by name.
 * `terminalMaxAgeMs: 0` counts finished jobs exactly, now (tests, one-off reads).
 */
export async function jobQueueCounts(
  ctx: Pick<OrgContext, "db" | "organizationId">,
  options: { terminalMaxAgeMs?: number } = {},
): Promise<{ jobQueues: JobQueueCounts[] }> {
  const { db, organizationId } = ctx;
  const finishedCounts = terminalCounts(db, organizationId, options.terminalMaxAgeMs ?? TERMINAL_FRESH_MS);
  const queues = await db.jobQueue.findMany({
    where: { organizationId, deletedAt: null },
    select: { id: true, name: true },
    orderBy: { liveName: "asc" },
  });
  const [active, finished] = await Promise.all([
    queues.length
      ? countByQueue(
          db,
          organizationId,
          ACTIVE_STATUSES,
          queues.map((q) => q.id),
        )
      : (new Map() as QueueStatusCounts),
    finishedCounts,
  ]);
  return {
    jobQueues: queues.map((q) => ({
      jobQueueName: q.name,
      counts: { ...zeros(), ...finished.get(q.id), ...active.get(q.id) },
    })),
  };
}

// How many jobs each job queue holds in each status, for the queue list's live counts. One
// GROUP BY over the organization's jobs, answered from the (organizationId, jobQueueId,
// status, …) index without touching the table rows.
import type { OrgContext } from "@/lib/auth/context";
import { JOB_STATUSES, type JobStatus } from "@/lib/batch/states";

export interface JobQueueCounts {
  jobQueueName: string;
  counts: Record<JobStatus, number>;
}

const zeros = (): Record<JobStatus, number> =>
  Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;

/** One entry per live (not deleted) queue of the organization, ordered by name. */
export async function jobQueueCounts(
  ctx: Pick<OrgContext, "db" | "organizationId">,
): Promise<{ jobQueues: JobQueueCounts[] }> {
  const { db, organizationId } = ctx;
  const [queues, groups] = await Promise.all([
    db.jobQueue.findMany({
      where: { organizationId, deletedAt: null },
      select: { id: true, name: true },
      orderBy: { liveName: "asc" },
    }),
    db.job.groupBy({ by: ["jobQueueId", "status"], where: { organizationId }, _count: { _all: true } }),
  ]);
  const byQueue = new Map(queues.map((q) => [q.id, { jobQueueName: q.name, counts: zeros() }]));
  for (const g of groups) {
    const entry = byQueue.get(g.jobQueueId);
    if (entry && g.status in entry.counts) entry.counts[g.status as JobStatus] = g._count._all;
  }
  return { jobQueues: [...byQueue.values()] };
}

// How long the oldest RUNNABLE job of each queue has been waiting: the dashboard's "Right now".
// RUNNABLE jobs are few next to finished ones, and the (organizationId, jobQueueId, status, …)
// index finds them by one seek per queue without reading the rest.
import type { OrgContext } from "@/lib/auth/context";
import { JobStatus } from "@/lib/batch/states";

export interface LongestWait {
  jobQueueName: string;
  /** When the queue's longest-waiting RUNNABLE job became runnable (epoch ms). */
  runnableSince: number;
}

/** One entry per queue with a RUNNABLE job; `partial` says why a backend cannot tell. */
export async function longestWaits(
  ctx: Pick<OrgContext, "db" | "organizationId">,
): Promise<{ jobQueues: LongestWait[]; partial?: string }> {
  const { db, organizationId } = ctx;
  const groups = await db.job.groupBy({
    by: ["jobQueueId"],
    where: { organizationId, status: JobStatus.RUNNABLE },
    _min: { runnableAt: true, createdAt: true },
  });
  if (groups.length === 0) return { jobQueues: [] };
  const queues = await db.jobQueue.findMany({
    where: { organizationId, id: { in: groups.map((g) => g.jobQueueId) } },
    select: { id: true, name: true },
  });
  const names = new Map(queues.map((q) => [q.id, q.name]));
  return {
    jobQueues: groups.flatMap((g) => {
      const since = g._min.runnableAt ?? g._min.createdAt;
      const name = names.get(g.jobQueueId);
      return since === null || name === undefined ? [] : [{ jobQueueName: name, runnableSince: Number(since) }];
    }),
  };
}

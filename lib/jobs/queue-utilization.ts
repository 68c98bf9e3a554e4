// GetJobQueueSnapshot's queueUtilization: the capacity a queue's jobs hold now (AWS shape:
// totalCapacityUsage, fairshareUtilization for fair-share queues, lastUpdatedAt). Built-in: the
// vCPUs the queue's STARTING and RUNNING jobs asked for, the figures placement holds for them
// (lib/resources/compute-environments/compute-environment-usage.ts counts the same per
// environment). Only VCPU is reported: AWS documents no GPU unit here (VCPU for EC2, cpu for
// EKS, the instance type for service jobs), so GPUs in use are not part of this answer.
import type { OrgContext } from "@/lib/auth/context";
import { ON_HOST_STATUSES } from "@/lib/batch/states";

export interface CapacityUsage {
  capacityUnit: string;
  quantity: number;
}

export interface QueueUtilization {
  totalCapacityUsage: CapacityUsage[];
  /** Only on a queue with a fair-share scheduling policy. */
  fairshareUtilization?: {
    /** Shares with jobs on a host now, all of them (not only those listed). */
    activeShareCount: number;
    topCapacityUtilization: { shareIdentifier: string; capacityUsage: CapacityUsage[] }[];
  };
  /** AWS only, passed through: the built-in engine has no quota shares. */
  quotaShareUtilization?: {
    topCapacityUtilization: { quotaShareName: string; capacityUsage: CapacityUsage[] }[];
  };
  lastUpdatedAt: number;
}

/** AWS lists the top 20 shares by capacity in use ("topCapacityUtilization"); so do we. */
export const TOP_SHARES = 20;

/** vCPUs on a host per share identifier (null: jobs submitted without one). */
export interface ShareInUse {
  shareIdentifier: string | null;
  vcpus: number;
}

/**
 * The utilization from per-share sums. Every on-host job counts in the total; on a fair-share
 * queue only jobs with a share identifier make a share (submit-job requires one there, so a
 * job without one is a leftover the engine would place as share ""; it is capacity in use but
 * no share AWS would name). Shares are listed by vCPUs desc, then identifier for a stable order.
 */
export function summarizeUtilization(rows: ShareInUse[], fairShare: boolean, now: number): QueueUtilization {
  const vcpu = (quantity: number): CapacityUsage[] => [{ capacityUnit: "VCPU", quantity }];
  const total = rows.reduce((sum, r) => sum + r.vcpus, 0);
  const out: QueueUtilization = { totalCapacityUsage: vcpu(total), lastUpdatedAt: now };
  if (!fairShare) return out;
  const shares = rows
    .filter((r): r is ShareInUse & { shareIdentifier: string } => !!r.shareIdentifier)
    .sort((a, b) => b.vcpus - a.vcpus || (a.shareIdentifier < b.shareIdentifier ? -1 : 1));
  out.fairshareUtilization = {
    activeShareCount: shares.length,
    topCapacityUtilization: shares
      .slice(0, TOP_SHARES)
      .map((s) => ({ shareIdentifier: s.shareIdentifier, capacityUsage: vcpu(s.vcpus) })),
  };
  return out;
}

/** One grouped read on the (organizationId, jobQueueId, status, …) index: on-host jobs are few. */
export async function queueUtilization(
  ctx: Pick<OrgContext, "db" | "organizationId">,
  queue: { id: string; schedulingPolicyId: string | null },
  now: number,
): Promise<QueueUtilization> {
  const groups = await ctx.db.job.groupBy({
    by: ["shareIdentifier"],
    where: { organizationId: ctx.organizationId, jobQueueId: queue.id, status: { in: [...ON_HOST_STATUSES] } },
    _sum: { vcpus: true },
  });
  const rows = groups.map((g) => ({ shareIdentifier: g.shareIdentifier, vcpus: g._sum.vcpus ?? 0 }));
  return summarizeUtilization(rows, queue.schedulingPolicyId !== null, now);
}

// The dashboard's "Right now": jobs starting, running and waiting per queue, vCPUs in use of
// what the environments may hand out, and how long each queue's oldest waiting job has waited.
// Read through the organization's backend, by the page (first render) and app/api/metrics/now.
import type { OrgContext } from "@/lib/auth/context";
import type { BatchBackend } from "@/lib/backends/types";
import type { LongestWait } from "@/lib/jobs/longest-waits";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";

export interface RightNow {
  at: number;
  jobQueues: JobQueueCounts[];
  computeEnvironments: ComputeEnvironmentUsage[];
  waits: LongestWait[];
  /** Why the waits are not known (AWS). */
  waitsPartial?: string;
}

export async function rightNow(ctx: OrgContext, backend: BatchBackend): Promise<RightNow> {
  const [counts, usage, waits] = await Promise.all([
    backend.jobQueueCounts(ctx),
    backend.computeEnvironmentUsage(ctx),
    backend.longestWaits(ctx),
  ]);
  return {
    at: Date.now(),
    jobQueues: counts.jobQueues,
    computeEnvironments: usage.computeEnvironments,
    waits: waits.jobQueues,
    ...(waits.partial ? { waitsPartial: waits.partial } : {}),
  };
}

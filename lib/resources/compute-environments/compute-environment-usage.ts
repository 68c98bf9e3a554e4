// What each compute environment is handing out right now: the vCPUs, memory and GPUs of the
// jobs placed on it that are still STARTING or RUNNING. The engine's placement works from
// the same numbers (the resources a job asked for, held while it is on the host), so the
// console's "in use" bar agrees with what the scheduler will still place.
import type { OrgContext } from "@/lib/auth/context";
import { safeJson } from "@/lib/batch/shapes/common";
import { ON_HOST_STATUSES } from "@/lib/batch/states";

export interface ComputeEnvironmentUsage {
  computeEnvironmentName: string;
  /**
   * What the vCPU figures measure: "jobs" (built-in: what the jobs on it hold, of what the
   * engine may hand out) or "desired" (AWS: the desiredvCpus AWS is scaling it to, of its
   * maxvCpus; AWS does not say what jobs hold).
   */
  basis: "jobs" | "desired";
  /** What the built-in engine may hand out on it (from its AWS shape and capacity tags); null when unknown. */
  maxVcpus: number | null;
  maxMemoryMiB: number | null;
  gpuIds: string[];
  /** Jobs STARTING or RUNNING on it; null where the backend cannot tell (AWS). */
  jobs: number | null;
  vcpus: number | null;
  memoryMiB: number | null;
  gpus: number;
}

/** One entry per compute environment of the organization, zeros where nothing runs. */
export async function computeEnvironmentUsage(
  ctx: Pick<OrgContext, "db" | "organizationId">,
): Promise<{ computeEnvironments: ComputeEnvironmentUsage[] }> {
  const { db, organizationId } = ctx;
  // Jobs on the host are few (bounded by the capacity of the environments), and the
  // (organizationId, status, …) index finds them without reading finished jobs.
  const [environments, groups] = await Promise.all([
    db.computeEnvironment.findMany({
      where: { organizationId },
      select: { id: true, name: true, maxVcpus: true, memoryMiB: true, gpuIds: true },
      orderBy: { name: "asc" },
    }),
    db.job.groupBy({
      by: ["computeEnvironmentId"],
      where: { organizationId, status: { in: [...ON_HOST_STATUSES] }, computeEnvironmentId: { not: null } },
      _sum: { vcpus: true, memoryMiB: true, gpus: true },
      _count: { _all: true },
    }),
  ]);
  const byId = new Map(groups.map((g) => [g.computeEnvironmentId, g]));
  return {
    computeEnvironments: environments.map((e) => {
      const g = byId.get(e.id);
      return {
        computeEnvironmentName: e.name,
        basis: "jobs" as const,
        maxVcpus: e.maxVcpus,
        maxMemoryMiB: e.memoryMiB,
        gpuIds: safeJson<string[]>(e.gpuIds, []),
        jobs: g?._count._all ?? 0,
        vcpus: g?._sum.vcpus ?? 0,
        memoryMiB: g?._sum.memoryMiB ?? 0,
        gpus: g?._sum.gpus ?? 0,
      };
    }),
  };
}

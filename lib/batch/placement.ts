// Scheduling decisions, pure: which runnable jobs start now, and on which compute environment.
// The engine gathers the inputs from the database and applies the answer.
//
// - Queues are served in priority order (higher first); a job goes to the first environment
//   in its queue's order that is ENABLED and has the vCPU, memory and GPUs free.
// - Within a queue: first in, first out (createdAt), or fair share when the queue has a
//   policy: the share with the lowest weighted usage goes next (AWS: usage × weightFactor, lower
//   weight = larger share), within a share schedulingPriority desc then createdAt, and
//   computeReservation holds back vCPUs for shares that have nothing running yet. As in AWS,
//   schedulingPriority counts only in fair-share queues.
// - The host: environments (of any organization) may together promise more than the machine
//   the engine runs on has. Whatever they say, the jobs placed never hold more vCPUs than the
//   host's cores times the operator's overcommit factor, nor more memory than the host has, and a
//   GPU id goes to one job at a time.
// - Backfill: a job that does not fit yet does not block smaller ones behind it, until it has
//   waited STARVATION_MS; from then on the environment it is waiting for is reserved for it
//   (nothing else is placed there) until it fits.
// - Running-vCPU quotas (OrganizationQuota.maxRunningVcpus): an organization's jobs on a host
//   (STARTING and RUNNING, across all its queues and environments) never hold more vCPUs than
//   its quota. A job that would take its organization past it is passed over like a job that
//   does not fit: it takes nothing from other organizations, and smaller jobs of its own
//   organization behind it that fit the quota still start, until it has waited STARVATION_MS;
//   from then on the organization's quota is held for it (none of its other jobs is placed
//   after it in the pass) until it fits. A job larger than the quota itself never holds it.

/** How long a job may be passed over by smaller ones before capacity is held for it. */
export const STARVATION_MS = 60_000;

export interface PlacementEnvironment {
  id: string;
  enabled: boolean;
  maxVcpus: number;
  memoryMiB: number;
  gpuIds: string[];
  freeVcpus: number;
  freeMemoryMiB: number;
  freeGpuIds: string[];
}

/** What the engine's host can still give, across every environment and organization. */
export interface HostCapacity {
  /** Cores × the operator's overcommit factor. */
  maxVcpus: number;
  memoryMiB: number;
  freeVcpus: number;
  freeMemoryMiB: number;
}

export interface FairShare {
  /** 0–99 (AWS). */
  computeReservation: number;
  /** shareIdentifier (or prefix ending in `*`) → weightFactor; missing → 1. */
  weights: { shareIdentifier: string; weightFactor: number }[];
  /** Decayed past usage per share, in vCPU units (engine-computed). */
  usage: Record<string, number>;
  /** vCPUs running now per share in this queue. */
  running: Record<string, number>;
}

export interface PlacementQueue {
  id: string;
  /** Its organization: what a running-vCPU quota is counted by (absent: no quota applies). */
  organizationId?: string;
  priority: number;
  enabled: boolean;
  /** Compute environment ids in the queue's order. */
  environmentIds: string[];
  fairShare?: FairShare;
}

export interface PlacementJob {
  id: string;
  queueId: string;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  schedulingPriority: number;
  createdAt: number;
  runnableAt: number;
  shareIdentifier: string | null;
}

/** An organization's running-vCPU quota and what its STARTING and RUNNING jobs hold now. */
export interface VcpuQuota {
  /** The most its jobs on a host may hold at once (> 0; an unlimited organization has none). */
  maxVcpus: number;
  /** What they hold now. */
  heldVcpus: number;
}

/** vCPUs are fractional (a quarter vCPU): sums of them are compared with this slack. */
const VCPU_EPSILON = 1e-9;

/** The job would take its organization past its running-vCPU quota now. */
export function quotaShort(quota: VcpuQuota | undefined, job: Pick<PlacementJob, "vcpus">): boolean {
  return quota !== undefined && quota.heldVcpus + job.vcpus > quota.maxVcpus + VCPU_EPSILON;
}

/** The job asks for more vCPUs than its organization's quota allows at all: it cannot start under it. */
export function quotaNeverFits(quota: VcpuQuota | undefined, job: Pick<PlacementJob, "vcpus">): boolean {
  return quota !== undefined && job.vcpus > quota.maxVcpus + VCPU_EPSILON;
}

export interface Placement {
  jobId: string;
  environmentId: string;
  gpuIds: string[];
}

export function weightOf(share: string, weights: FairShare["weights"]): number {
  for (const w of weights) {
    if (w.shareIdentifier === share) return w.weightFactor;
    if (w.shareIdentifier.endsWith("*") && share.startsWith(w.shareIdentifier.slice(0, -1))) return w.weightFactor;
  }
  return 1;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Submission order: job ids are UUIDv7, monotonic within a millisecond (lib/ids.ts). */
const fifo = (a: PlacementJob, b: PlacementJob) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const priorityThenFifo = (a: PlacementJob, b: PlacementJob) =>
  b.schedulingPriority - a.schedulingPriority || fifo(a, b);

/**
 * The queue's jobs in dispatch order: a FIFO queue's in submission order, whatever their
 * schedulingPriority; fair share interleaves shares by weighted usage, each share's jobs by
 * schedulingPriority then age.
 */
export function dispatchOrder(jobs: PlacementJob[], fairShare?: FairShare): PlacementJob[] {
  if (!fairShare) return [...jobs].sort(fifo);
  const sorted = [...jobs].sort(priorityThenFifo);
  const byShare = new Map<string, PlacementJob[]>();
  for (const j of sorted) {
    const key = j.shareIdentifier ?? "";
    pushTo(byShare, key, j);
  }
  const usage = new Map<string, number>();
  for (const share of byShare.keys()) {
    usage.set(share, (fairShare.usage[share] ?? 0) + (fairShare.running[share] ?? 0));
  }
  const out: PlacementJob[] = [];
  const cursor = new Map<string, number>();
  while (out.length < sorted.length) {
    let best: string | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const [share, list] of byShare) {
      if ((cursor.get(share) ?? 0) >= list.length) continue;
      const score = (usage.get(share) ?? 0) * weightOf(share, fairShare.weights);
      if (score < bestScore || (score === bestScore && best !== undefined && share < best)) {
        best = share;
        bestScore = score;
      }
    }
    if (best === undefined) break;
    const i = cursor.get(best) ?? 0;
    const job = byShare.get(best)![i]!;
    cursor.set(best, i + 1);
    out.push(job);
    usage.set(best, (usage.get(best) ?? 0) + job.vcpus);
  }
  return out;
}

export type Shortfall = "VCPU" | "MEMORY" | "GPU";

/** What the host lacks right now for this job (GPUs are per id, on the environments). */
export function hostShortfalls(host: HostCapacity | undefined, job: PlacementJob): Shortfall[] {
  if (!host) return [];
  const out: Shortfall[] = [];
  if (job.vcpus > host.freeVcpus) out.push("VCPU");
  if (job.memoryMiB > host.freeMemoryMiB) out.push("MEMORY");
  return out;
}

/** What the environment lacks right now for this job (empty: it fits). */
export function shortfalls(env: PlacementEnvironment, job: PlacementJob): Shortfall[] {
  const out: Shortfall[] = [];
  if (job.vcpus > env.freeVcpus) out.push("VCPU");
  if (job.memoryMiB > env.freeMemoryMiB) out.push("MEMORY");
  if (job.gpus > env.freeGpuIds.length) out.push("GPU");
  return out;
}

/** What the environment could never give this job, even empty. */
export function neverFits(env: PlacementEnvironment, job: PlacementJob): Shortfall[] {
  const out: Shortfall[] = [];
  if (job.vcpus > env.maxVcpus) out.push("VCPU");
  if (job.memoryMiB > env.memoryMiB) out.push("MEMORY");
  if (job.gpus > env.gpuIds.length) out.push("GPU");
  return out;
}

export interface PlaceInput {
  queues: PlacementQueue[];
  environments: PlacementEnvironment[];
  /** RUNNABLE jobs (any order); jobs of unknown or disabled queues are ignored. */
  jobs: PlacementJob[];
  now: number;
  starvationMs?: number;
  /** The engine's host; absent: only the environments bound what runs. */
  host?: HostCapacity;
  /**
   * Running-vCPU quotas by organization (the queues' `organizationId`); an organization absent
   * here is unlimited and costs nothing.
   */
  quotas?: ReadonlyMap<string, VcpuQuota>;
}

export function place(input: PlaceInput): Placement[] {
  const starvationMs = input.starvationMs ?? STARVATION_MS;
  // Copies: the free amounts shrink as jobs are placed in this pass.
  const envs = new Map(
    input.environments.map((e): [string, PlacementEnvironment & { reserved: boolean }] => [
      e.id,
      { ...e, freeGpuIds: [...e.freeGpuIds], reserved: false },
    ]),
  );
  const host = input.host ? { ...input.host } : undefined;
  // Copies too: what each organization holds grows as its jobs are placed.
  const quotas = new Map<string, VcpuQuota & { reserved: boolean }>();
  for (const [org, q] of input.quotas ?? []) quotas.set(org, { ...q, reserved: false });
  const jobsByQueue = new Map<string, PlacementJob[]>();
  for (const j of input.jobs) pushTo(jobsByQueue, j.queueId, j);
  const queues = [...input.queues]
    .filter((q) => q.enabled)
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
  const placements: Placement[] = [];

  for (const queue of queues) {
    const fs = queue.fairShare;
    const running = fs ? { ...fs.running } : {};
    const totalVcpus = queue.environmentIds.reduce((n, id) => n + (envs.get(id)?.maxVcpus ?? 0), 0);
    let queueUsed = Object.values(running).reduce((a, b) => a + b, 0);
    const quota = queue.organizationId === undefined ? undefined : quotas.get(queue.organizationId);
    for (const job of dispatchOrder(jobsByQueue.get(queue.id) ?? [], fs)) {
      const share = job.shareIdentifier ?? "";
      if (quota) {
        // Held for an older job of the organization that waits for its quota.
        if (quota.reserved) continue;
        if (quotaShort(quota, job)) {
          // Its environments are not held for it: other organizations' jobs may use them.
          if (input.now - job.runnableAt >= starvationMs && !quotaNeverFits(quota, job)) quota.reserved = true;
          continue;
        }
      }
      if (fs && fs.computeReservation > 0 && (running[share] ?? 0) > 0) {
        // Vcpus held back for shares that have nothing running yet (AWS computeReservation).
        const active = Object.values(running).filter((v) => v > 0).length;
        const reserved = totalVcpus * (fs.computeReservation / 100) ** active;
        if (queueUsed + job.vcpus > totalVcpus - reserved) continue;
      }
      const candidates = queue.environmentIds.map((id) => envs.get(id)).filter((e) => e?.enabled) as (
        | (PlacementEnvironment & { reserved: boolean })
        | undefined
      )[];
      const hostFits = hostShortfalls(host, job).length === 0;
      const target = hostFits && candidates.find((e) => e && !e.reserved && shortfalls(e, job).length === 0);
      if (target) {
        target.freeVcpus -= job.vcpus;
        target.freeMemoryMiB -= job.memoryMiB;
        if (host) {
          host.freeVcpus -= job.vcpus;
          host.freeMemoryMiB -= job.memoryMiB;
        }
        const gpuIds = target.freeGpuIds.splice(0, job.gpus);
        // Environments that list the same device: it is taken for all of them.
        for (const e of envs.values()) {
          for (const g of gpuIds) {
            const at = e.freeGpuIds.indexOf(g);
            if (at >= 0) e.freeGpuIds.splice(at, 1);
          }
        }
        placements.push({ jobId: job.id, environmentId: target.id, gpuIds });
        if (quota) quota.heldVcpus += job.vcpus;
        running[share] = (running[share] ?? 0) + job.vcpus;
        queueUsed += job.vcpus;
        continue;
      }
      if (input.now - job.runnableAt >= starvationMs) {
        const hold = candidates.find((e) => e && !e.reserved && neverFits(e, job).length === 0);
        if (hold) hold.reserved = true;
      }
    }
  }
  return placements;
}

export type WhyNotRunning =
  | { kind: "DEPENDENCY"; jobIds: string[] }
  | { kind: "QUEUE_DISABLED"; queueId: string }
  | { kind: "NO_ENVIRONMENT"; queueId: string }
  | { kind: "ENVIRONMENT_DISABLED"; environmentId: string }
  | { kind: "NEVER_FITS"; environmentId: string; resources: Shortfall[] }
  | { kind: "RESOURCE_SHORT"; environmentId: string; resource: Shortfall; requested: number; available: number }
  /** The environment has room but the engine's host does not (other environments use it). */
  | { kind: "HOST_SHORT"; resource: Shortfall; requested: number; available: number; max: number }
  /**
   * The organization's running-vCPU quota: `held` of `quota` vCPUs are held by its STARTING and
   * RUNNING jobs, and `requested` more would pass it (`never`: the job alone asks for more).
   */
  | { kind: "QUOTA_VCPUS"; quota: number; held: number; requested: number; never: boolean }
  | { kind: "POSITION"; position: number; ahead: number };

export interface WhyInput {
  job: PlacementJob;
  queue: PlacementQueue | undefined;
  /** The queue's environments in order, with their free amounts now. */
  environments: PlacementEnvironment[];
  /** Dependencies not finished yet (job ids). */
  waitingOn: string[];
  /** 0-based place in the queue's dispatch order, if RUNNABLE. */
  position?: number;
  /** The engine's host, when known. */
  host?: HostCapacity;
  /** The organization's running-vCPU quota, when it has one. */
  quota?: VcpuQuota;
}

/**
 * Why a job is still PENDING or RUNNABLE, as data the console words. A request larger than
 * every environment of its queue can ever satisfy is reported as NEVER_FITS per environment
 * (AWS: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT), since waiting will not help.
 */
export function whyNotRunning(input: WhyInput): WhyNotRunning[] {
  const { job, queue } = input;
  const out: WhyNotRunning[] = [];
  if (input.waitingOn.length > 0) out.push({ kind: "DEPENDENCY", jobIds: input.waitingOn });
  if (!queue) return out;
  if (!queue.enabled) out.push({ kind: "QUEUE_DISABLED", queueId: queue.id });
  if (input.environments.length === 0) out.push({ kind: "NO_ENVIRONMENT", queueId: queue.id });
  for (const env of input.environments) {
    if (!env.enabled) {
      out.push({ kind: "ENVIRONMENT_DISABLED", environmentId: env.id });
      continue;
    }
    const never = neverFits(env, job);
    if (never.length > 0) {
      out.push({ kind: "NEVER_FITS", environmentId: env.id, resources: never });
      continue;
    }
    for (const resource of shortfalls(env, job)) {
      const [requested, available] =
        resource === "VCPU"
          ? [job.vcpus, env.freeVcpus]
          : resource === "MEMORY"
            ? [job.memoryMiB, env.freeMemoryMiB]
            : [job.gpus, env.freeGpuIds.length];
      out.push({ kind: "RESOURCE_SHORT", environmentId: env.id, resource, requested, available });
    }
  }
  // An environment has room for the job but the host does not: the others hold it.
  const roomy = input.environments.some(
    (e) => e.enabled && neverFits(e, job).length === 0 && shortfalls(e, job).length === 0,
  );
  if (roomy && input.host) {
    for (const resource of hostShortfalls(input.host, job)) {
      out.push(
        resource === "VCPU"
          ? {
              kind: "HOST_SHORT",
              resource,
              requested: job.vcpus,
              available: input.host.freeVcpus,
              max: input.host.maxVcpus,
            }
          : {
              kind: "HOST_SHORT",
              resource,
              requested: job.memoryMiB,
              available: input.host.freeMemoryMiB,
              max: input.host.memoryMiB,
            },
      );
    }
  }
  if (input.quota && quotaShort(input.quota, job)) {
    out.push({
      kind: "QUOTA_VCPUS",
      quota: input.quota.maxVcpus,
      held: input.quota.heldVcpus,
      requested: job.vcpus,
      never: quotaNeverFits(input.quota, job),
    });
  }
  if (input.position !== undefined && input.position > 0) {
    out.push({ kind: "POSITION", position: input.position + 1, ahead: input.position });
  }
  return out;
}

/** AWS's reasons for a RUNNABLE job blocked at the head of its queue (JobDetail.statusReason). */
export type HeadOfQueueReason =
  | "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
  | "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
  | "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY";

/**
 * Why the job at the head of a queue cannot start, in AWS's terms, or null when it can (the next
 * pass starts it) or when no environment of the queue is enabled (nothing AWS names). A job no
 * enabled environment can ever fit is a misconfiguration: COMPUTE_ENVIRONMENT_MAX_RESOURCE when
 * every environment has too few vCPUs, JOB_RESOURCE_REQUIREMENT otherwise (memory, GPUs, or more
 * than the engine's machine hands out); one that only waits for room is CAPACITY.
 */
export function headOfQueueBlock(
  job: PlacementJob,
  environments: PlacementEnvironment[],
  host?: HostCapacity,
): { reason: HeadOfQueueReason; detail: string } | null {
  const usable = environments.filter((e) => e.enabled);
  if (usable.length === 0) return null;
  const never = usable.map((e) => neverFits(e, job));
  if (never.every((n) => n.length > 0)) {
    if (never.every((n) => n.includes("VCPU"))) {
      const most = Math.max(...usable.map((e) => e.maxVcpus));
      return {
        reason: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        detail: `The job needs ${job.vcpus} vCPUs; the compute environments of its queue have at most ${most}.`,
      };
    }
    return {
      reason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
      detail:
        "The job's resource requirement (memory or GPUs) is higher than any compute environment of its queue has.",
    };
  }
  if (host && (job.vcpus > host.maxVcpus || job.memoryMiB > host.memoryMiB)) {
    return {
      reason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
      detail: `The job needs more than the engine's machine hands out (${host.maxVcpus} vCPUs, ${host.memoryMiB} MiB).`,
    };
  }
  const fitsNow = usable.some((e) => shortfalls(e, job).length === 0) && hostShortfalls(host, job).length === 0;
  if (fitsNow) return null;
  return {
    reason: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    detail: "The compute environments of its queue have no room for it now; it starts when running jobs finish.",
  };
}

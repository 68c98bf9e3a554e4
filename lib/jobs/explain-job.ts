// "Why isn't this job running yet?" for the console: the reasons a SUBMITTED, PENDING or
// RUNNABLE job has not started, as data the page words. The decision itself is
// lib/batch/placement.ts's whyNotRunning, fed with the same inputs the engine's scheduler uses
// (engine/scheduler.ts): the queue's environments in order with what is free on each, and the
// job's place in the queue's dispatch order (lib/jobs/queue-snapshot.ts).
//
// Free capacity is read from the database (the jobs STARTING or RUNNING on each environment)
// rather than from the engine's memory, so the answer is the same whichever web replica asks.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { chooseExecutor } from "@/lib/batch/executor-choice";
import { type ExecutorKind, executorPolicyOf } from "@/lib/batch/executor-policy";
import {
  type HostCapacity,
  neverFits,
  type PlacementEnvironment,
  type PlacementJob,
  type PlacementQueue,
  type Shortfall,
  whyNotRunning,
} from "@/lib/batch/placement";
import { CANCELLABLE_STATUSES, isJobStatus, JobStatus, ON_HOST_STATUSES } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { organizationVcpuQuota } from "@/lib/quotas/engine-running-vcpus";
import { consumableShortfalls } from "./consumable-usage";
import { readEngineExecutors, readEngineHost } from "./engine-executors";
import { queueDispatchOrder } from "./queue-snapshot";

export const explainJobInput = z.object({
  jobId: z.string({ message: "jobId is required." }).min(1, "jobId must not be empty.").max(200),
});
export type ExplainJobInput = z.output<typeof explainJobInput>;

export interface ResourceFigures {
  resource: Shortfall;
  requested: number;
  /** Free on the environment now (RESOURCE_SHORT only). */
  free?: number;
  /** The most the environment can ever hand out. */
  max: number;
}

export type JobWaitReason =
  | { kind: "DEPENDENCY"; jobs: { jobId: string; jobName: string; status: JobStatus }[] }
  | { kind: "ARRAY_CHILDREN"; size: number; summary: Partial<Record<JobStatus, number>> }
  | { kind: "QUEUE_DISABLED"; queue: string }
  | { kind: "NO_ENVIRONMENT"; queue: string }
  | { kind: "ENVIRONMENT_DISABLED"; environment: string }
  | { kind: "NEVER_FITS"; environment: string; resources: ResourceFigures[] }
  /** No environment of the queue can ever run the job: waiting will not help. */
  | { kind: "UNSATISFIABLE"; queue: string }
  /** A consumable resource (licence seats, …) has less left now than the job requires. */
  | { kind: "CONSUMABLE_RESOURCE"; resource: string; requested: number; available: number }
  | ({ kind: "RESOURCE_SHORT"; environment: string } & ResourceFigures)
  /**
   * The environment has room but the engine's machine does not: other environments (of any
   * organization) hold it. `max` is what the machine hands out (cores × overcommit, its memory).
   */
  | ({ kind: "HOST_SHORT" } & ResourceFigures)
  /**
   * The organization's running-vCPU quota (lib/quotas): its STARTING and RUNNING jobs hold
   * `held` of `quota` vCPUs and this job's `requested` would pass it; `never`: the job alone asks
   * for more than the quota, so it cannot start until the quota is raised. Worded by
   * lib/quotas/engine-quota-words.ts.
   */
  | { kind: "QUOTA_RUNNING_VCPUS"; quota: number; held: number; requested: number; never: boolean }
  /**
   * 1-based place among the queue's RUNNABLE jobs; `approximate` past the snapshot's window;
   * `runnable` null when the backend did not count them all (AWS: past one ListJobs page).
   */
  | { kind: "POSITION"; position: number; runnable: number | null; approximate: boolean }
  /** First in line with room to run: the engine's next pass starts it. */
  | { kind: "NEXT" }
  /** AWS: the job is not among the `shown` jobs GetJobQueueSnapshot reports at the front. */
  | { kind: "BEHIND_FRONT"; queue: string; shown: number }
  /** AWS: a compute environment of the queue is INVALID (AWS cannot scale it), with AWS's reason. */
  | { kind: "ENVIRONMENT_INVALID"; environment: string; reason?: string }
  /**
   * The environment's executor is not on the leading engine (a `batchdeck:executor=container`
   * environment on an engine without a container runtime, or a hosted install without one):
   * `wanted` null means the environment names none and the engine has no default.
   */
  | { kind: "NO_EXECUTOR"; environment: string; wanted: ExecutorKind | null; reason: string | null }
  /** AWS's own statusReason for the job, as AWS words it. */
  | { kind: "STATUS_REASON"; reason: string };

export interface JobExplanation {
  jobId: string;
  status: JobStatus;
  /** True while the job has not reached a host (SUBMITTED, PENDING, RUNNABLE). */
  waiting: boolean;
  requested: { vcpus: number; memoryMiB: number; gpus: number };
  /** The caller submitted it: members without jobs.stopAny may stop only their own jobs. */
  submittedByCaller: boolean;
  /** The compute environment it is placed on or last ran on (built-in engine), for the job page to link. */
  environment?: string;
  reasons: JobWaitReason[];
}

export async function explainJob(ctx: OrgContext, input: ExplainJobInput): Promise<JobExplanation> {
  const { db, organizationId } = ctx;
  const job = await db.job.findFirst({
    where: { organizationId, id: input.jobId },
    select: {
      id: true,
      status: true,
      vcpus: true,
      memoryMiB: true,
      gpus: true,
      schedulingPriority: true,
      createdAt: true,
      runnableAt: true,
      shareIdentifier: true,
      arraySize: true,
      arrayParentId: true,
      submittedById: true,
      computeEnvironmentId: true,
      attempts: { orderBy: { attemptNumber: "desc" }, take: 1, select: { computeEnvironmentId: true } },
      jobQueue: {
        select: {
          id: true,
          name: true,
          state: true,
          priority: true,
          deletedAt: true,
          schedulingPolicyId: true,
          computeEnvironments: {
            orderBy: { order: "asc" },
            select: {
              computeEnvironment: {
                select: {
                  id: true,
                  name: true,
                  state: true,
                  maxVcpus: true,
                  memoryMiB: true,
                  gpuIds: true,
                  tags: true,
                },
              },
            },
          },
        },
      },
    },
  });
  if (!job || !isJobStatus(job.status)) throw notFound(`Job ${input.jobId}`);
  const status = job.status;
  const requested = { vcpus: job.vcpus, memoryMiB: job.memoryMiB, gpus: job.gpus };
  const waiting = (CANCELLABLE_STATUSES as readonly string[]).includes(status);
  // Where it is placed now, else where its latest attempt ran (a retry clears the placement).
  const placedOnId = job.computeEnvironmentId ?? job.attempts[0]?.computeEnvironmentId;
  const placedOn = placedOnId
    ? await db.computeEnvironment.findFirst({ where: { id: placedOnId, organizationId }, select: { name: true } })
    : null;
  const base = {
    jobId: job.id,
    status,
    waiting,
    requested,
    submittedByCaller: job.submittedById === ctx.user.id,
    ...(placedOn ? { environment: placedOn.name } : {}),
  };
  if (!waiting) return { ...base, reasons: [] };

  const reasons: JobWaitReason[] = [];
  const blockers = await unfinishedDependencies(db, organizationId, [job.id, job.arrayParentId]);
  if (blockers.length > 0) reasons.push({ kind: "DEPENDENCY", jobs: blockers });
  if (job.arraySize !== null) {
    // An array parent never runs itself: it settles when its children have.
    reasons.push({
      kind: "ARRAY_CHILDREN",
      size: job.arraySize,
      summary: await childSummary(db, organizationId, job.id),
    });
    return { ...base, reasons };
  }

  const queue = job.jobQueue;
  const environments = await withFreeCapacity(
    db,
    organizationId,
    queue.computeEnvironments.map((c) => c.computeEnvironment),
  );
  // An environment whose executor the leading engine lacks takes no jobs (engine/scheduler.ts).
  const executors = await readEngineExecutors(db);
  const noExecutor = new Set<string>();
  if (executors) {
    for (const row of queue.computeEnvironments.map((c) => c.computeEnvironment)) {
      if (row.state !== "ENABLED") continue;
      const { executor: tagged } = executorPolicyOf(parseTags(row.tags));
      const choice = chooseExecutor(tagged, {
        available: executors.container.available ? ["container", "process"] : ["process"],
        default: executors.default,
      });
      if (choice.executor) continue;
      noExecutor.add(row.id);
      reasons.push({
        kind: "NO_EXECUTOR",
        environment: row.name,
        wanted: choice.wanted,
        reason: executors.container.available ? null : (executors.container.reason ?? null),
      });
    }
    for (const e of environments) if (noExecutor.has(e.id)) e.enabled = false;
  }
  const placementJob: PlacementJob = {
    id: job.id,
    queueId: queue.id,
    vcpus: job.vcpus,
    memoryMiB: job.memoryMiB,
    gpus: job.gpus,
    schedulingPriority: job.schedulingPriority,
    createdAt: Number(job.createdAt),
    runnableAt: Number(job.runnableAt ?? job.createdAt),
    shareIdentifier: job.shareIdentifier,
  };
  const placementQueue: PlacementQueue = {
    id: queue.id,
    priority: queue.priority,
    enabled: queue.state === "ENABLED" && queue.deletedAt === null,
    environmentIds: environments.map((e) => e.id),
  };
  const runnable = status === JobStatus.RUNNABLE;
  const place = runnable ? await placeInQueue(db, organizationId, queue, placementJob) : undefined;
  const decided = whyNotRunning({
    job: placementJob,
    queue: placementQueue,
    environments,
    // Dependencies are reported above with names and statuses.
    waitingOn: [],
    position: place ? place.position - 1 : undefined,
    host: runnable ? await hostFreeCapacity(db) : undefined,
    // What the organization holds against its quota, as the scheduler counts it (none: unlimited).
    quota: await organizationVcpuQuota(db, organizationId),
  });
  const byId = new Map(environments.map((e) => [e.id, e]));
  const nameOf = (id: string) => byId.get(id)?.name ?? id;
  for (const r of decided) {
    switch (r.kind) {
      case "DEPENDENCY":
        break;
      case "QUEUE_DISABLED":
      case "NO_ENVIRONMENT":
        reasons.push({ kind: r.kind, queue: queue.name });
        break;
      case "ENVIRONMENT_DISABLED":
        // Said above, with the reason.
        if (noExecutor.has(r.environmentId)) break;
        reasons.push({ kind: r.kind, environment: nameOf(r.environmentId) });
        break;
      case "NEVER_FITS": {
        const env = byId.get(r.environmentId);
        reasons.push({
          kind: r.kind,
          environment: nameOf(r.environmentId),
          resources: r.resources.map((resource) => ({
            resource,
            requested: amountOf(requested, resource),
            max: env ? maxOf(env, resource) : 0,
          })),
        });
        break;
      }
      case "RESOURCE_SHORT": {
        // Capacity that is short now only matters to a job that could start now.
        if (!runnable) break;
        const env = byId.get(r.environmentId);
        reasons.push({
          kind: r.kind,
          environment: nameOf(r.environmentId),
          resource: r.resource,
          requested: r.requested,
          free: Math.max(0, r.available),
          max: env ? maxOf(env, r.resource) : 0,
        });
        break;
      }
      case "HOST_SHORT":
        reasons.push({
          kind: r.kind,
          resource: r.resource,
          requested: r.requested,
          free: Math.max(0, r.available),
          max: r.max,
        });
        break;
      case "QUOTA_VCPUS":
        // Like capacity short now, only for a job that could start now, unless it never fits.
        if (!runnable && !r.never) break;
        reasons.push({
          kind: "QUOTA_RUNNING_VCPUS",
          quota: r.quota,
          held: r.held,
          requested: r.requested,
          never: r.never,
        });
        break;
      case "POSITION":
        break;
    }
  }
  // Every environment either off or too small for the request (or none at all): say so plainly,
  // since no amount of waiting changes it.
  const usable = environments.filter((e) => e.enabled && neverFits(e, placementJob).length === 0);
  if (environments.some((e) => e.enabled) && usable.length === 0) {
    reasons.push({ kind: "UNSATISFIABLE", queue: queue.name });
  }
  // Like capacity that is short now, only for a job that could start now (engine/scheduler.ts
  // leaves it out of placement until enough is given back).
  if (runnable) {
    for (const short of await consumableShortfalls(db, organizationId, job.id)) {
      reasons.push({ kind: "CONSUMABLE_RESOURCE", ...short });
    }
  }
  if (place) {
    reasons.push({
      kind: "POSITION",
      position: place.position,
      runnable: place.runnable,
      approximate: place.approximate,
    });
    const blocked = reasons.some((r) => r.kind !== "POSITION");
    if (place.position === 1 && !blocked) reasons.push({ kind: "NEXT" });
  }
  return { ...base, reasons };
}

const amountOf = (r: { vcpus: number; memoryMiB: number; gpus: number }, resource: Shortfall) =>
  resource === "VCPU" ? r.vcpus : resource === "MEMORY" ? r.memoryMiB : r.gpus;

const maxOf = (env: PlacementEnvironment, resource: Shortfall) =>
  resource === "VCPU" ? env.maxVcpus : resource === "MEMORY" ? env.memoryMiB : env.gpuIds.length;

/**
 * What the leading engine's machine has free now: what it hands out less what every STARTING and
 * RUNNING job holds, of any organization (only the total is used, and only said as a total).
 */
async function hostFreeCapacity(db: DbOrTx): Promise<HostCapacity | undefined> {
  const host = await readEngineHost(db);
  if (!host) return undefined;
  const held = await db.job.aggregate({
    where: { status: { in: [...ON_HOST_STATUSES] } },
    _sum: { vcpus: true, memoryMiB: true },
  });
  return {
    maxVcpus: host.vcpus,
    memoryMiB: host.memoryMiB,
    freeVcpus: host.vcpus - (held._sum.vcpus ?? 0),
    freeMemoryMiB: host.memoryMiB - (held._sum.memoryMiB ?? 0),
  };
}

/** The dependencies of these jobs (a job and its array parent) that have not SUCCEEDED. */
async function unfinishedDependencies(db: DbOrTx, organizationId: string, jobIds: (string | null)[]) {
  const ids = jobIds.filter((id): id is string => id !== null);
  const edges = await db.jobDependency.findMany({
    where: { jobId: { in: ids }, job: { organizationId }, dependsOn: { status: { not: JobStatus.SUCCEEDED } } },
    select: { dependsOn: { select: { id: true, name: true, status: true } } },
    take: 50,
  });
  const seen = new Set<string>();
  const out: { jobId: string; jobName: string; status: JobStatus }[] = [];
  for (const { dependsOn: d } of edges) {
    if (seen.has(d.id) || !isJobStatus(d.status)) continue;
    seen.add(d.id);
    out.push({ jobId: d.id, jobName: d.name, status: d.status });
  }
  return out;
}

async function childSummary(db: DbOrTx, organizationId: string, parentId: string) {
  const groups = await db.job.groupBy({
    by: ["status"],
    where: { organizationId, arrayParentId: parentId },
    _count: { _all: true },
  });
  const out: Partial<Record<JobStatus, number>> = {};
  for (const g of groups) if (isJobStatus(g.status)) out[g.status] = g._count._all;
  return out;
}

type EnvironmentRow = {
  id: string;
  name: string;
  state: string;
  maxVcpus: number;
  memoryMiB: number;
  gpuIds: string;
  tags: string;
};

function parseTags(text: string): Record<string, string> {
  try {
    const tags = JSON.parse(text) as unknown;
    return tags && typeof tags === "object" ? (tags as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The environments with what is free on each now: the maximum less what STARTING and RUNNING jobs hold. */
async function withFreeCapacity(
  db: DbOrTx,
  organizationId: string,
  rows: EnvironmentRow[],
): Promise<(PlacementEnvironment & { name: string })[]> {
  const used = rows.length
    ? await db.job.groupBy({
        by: ["computeEnvironmentId"],
        where: {
          organizationId,
          status: { in: [...ON_HOST_STATUSES] },
          computeEnvironmentId: { in: rows.map((r) => r.id) },
        },
        _sum: { vcpus: true, memoryMiB: true, gpus: true },
      })
    : [];
  const usedBy = new Map(used.map((u) => [u.computeEnvironmentId, u._sum]));
  return rows.map((r) => {
    const u = usedBy.get(r.id);
    const gpuIds = parseGpuIds(r.gpuIds);
    return {
      id: r.id,
      name: r.name,
      enabled: r.state === "ENABLED",
      maxVcpus: r.maxVcpus,
      memoryMiB: r.memoryMiB,
      gpuIds,
      freeVcpus: r.maxVcpus - (u?.vcpus ?? 0),
      freeMemoryMiB: r.memoryMiB - (u?.memoryMiB ?? 0),
      // Which GPU ids the running jobs hold lives in the engine; the count is what matters here.
      freeGpuIds: gpuIds.slice(Math.min(gpuIds.length, u?.gpus ?? 0)),
    };
  });
}

function parseGpuIds(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * The job's 1-based place in its queue and how many jobs are RUNNABLE there. Within the front
 * the snapshot orders (fair share included), the place is the engine's dispatch order; further
 * back, it is the count of jobs ahead: submitted earlier on a FIFO queue, or ahead by
 * schedulingPriority then age on a fair-share queue, where it is an approximation.
 */
async function placeInQueue(
  db: DbOrTx,
  organizationId: string,
  queue: { id: string; schedulingPolicyId: string | null },
  job: PlacementJob,
): Promise<{ position: number; runnable: number; approximate: boolean }> {
  // The queue was read through the organization's job, so its id alone scopes these counts,
  // and each is a range of the scheduler's index (status, queue, priority, createdAt) with no
  // row lookups.
  const inQueue = { jobQueueId: queue.id, status: JobStatus.RUNNABLE } as const;
  const runnable = await db.job.count({ where: inQueue });
  const order = await queueDispatchOrder(db, organizationId, queue);
  const index = order.findIndex((j) => j.id === job.id);
  if (index >= 0) return { position: index + 1, runnable, approximate: false };
  // A FIFO queue is in submission order whatever the jobs' schedulingPriority (AWS: it counts
  // only in fair-share queues).
  const p = job.schedulingPriority;
  const counts = await Promise.all(
    queue.schedulingPolicyId === null
      ? [
          db.job.count({ where: { ...inQueue, createdAt: { lt: job.createdAt } } }),
          db.job.count({ where: { ...inQueue, createdAt: job.createdAt, id: { lt: job.id } } }),
        ]
      : [
          db.job.count({ where: { ...inQueue, schedulingPriority: { gt: p } } }),
          db.job.count({ where: { ...inQueue, schedulingPriority: p, createdAt: { lt: job.createdAt } } }),
          db.job.count({ where: { ...inQueue, schedulingPriority: p, createdAt: job.createdAt, id: { lt: job.id } } }),
        ],
  );
  const ahead = counts.reduce((a, b) => a + b, 0);
  return { position: ahead + 1, runnable, approximate: queue.schedulingPolicyId !== null };
}

// One scheduling pass: read the ENABLED queues and environments, the front of each queue
// that has somewhere to run, ask placement.ts where jobs go, and claim them (RUNNABLE →
// STARTING with this engine as lease owner) in one transaction before spawning anything.
// Only the leader runs passes, one at a time, so a job is claimed at most once.

import { Prisma } from "@/generated/sqlite/client";
import { type ConsumableRequirement, consumableAvailability, reserveInOrder } from "@/lib/batch/consumable";
import { parseResolvedContainer, type ResolvedContainer } from "@/lib/batch/container";
import { chooseExecutor, type EngineExecutorSet } from "@/lib/batch/executor-choice";
import { type ExecutorKind, type ExecutorPolicy, executorPolicyOf } from "@/lib/batch/executor-policy";
import {
  type FairShare,
  type HostCapacity,
  type PlacementEnvironment,
  type PlacementJob,
  type PlacementQueue,
  place,
  type VcpuQuota,
} from "@/lib/batch/placement";
import { parseEvaluateOnExit } from "@/lib/batch/retry";
import { TRANSITIONS } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { direct, directTransaction } from "@/lib/db/direct";
import { newId } from "@/lib/ids";
import {
  anyConsumableResources,
  consumeNonReplenishable,
  readConsumableQuantities,
  readJobRequirements,
} from "@/lib/jobs/consumable-usage";
import { readQueueFront } from "@/lib/jobs/queue-snapshot";
import { canMoveSql, transitionJobsSql } from "@/lib/jobs/transition-jobs";
import { heldAgainstQuotas, runningVcpuQuotas } from "@/lib/quotas/engine-running-vcpus";
import { effectiveQuotasByOrganization } from "@/lib/quotas/quotas";
import type { ClaimedJob, Executor } from "./executor";
import type { CapacityView } from "./head-of-queue";
import { LEADER } from "./leadership";
import type { ShareUsage } from "./share-usage";
import type { EngineStats } from "./stats";

interface Topology {
  loadedAt: number;
  environments: {
    id: string;
    name: string;
    enabled: boolean;
    maxVcpus: number;
    memoryMiB: number;
    gpuIds: string[];
    policy: ExecutorPolicy;
    /** The executor its jobs get here; null: the one it names is missing on this engine. */
    executor: ExecutorKind | null;
  }[];
  queues: (PlacementQueue & {
    name: string;
    organizationId: string;
    fairsharePolicy: Record<string, unknown> | null;
  })[];
  /**
   * The running-vCPU quota (OrganizationQuota.maxRunningVcpus) of each organization with queues
   * here that has one; unlimited organizations are absent, and with none the pass reads nothing
   * more. Read with the rest, so a changed quota applies within TOPOLOGY_TTL_MS.
   */
  vcpuQuotas: Map<string, number>;
}

const TOPOLOGY_TTL_MS = 1_000;
const MIN_WINDOW = 32;
const CLAIM_CHUNK = 500;
/** Placement rounds of one pass that leave out jobs short of consumable resources. */
const CONSUMABLE_ROUNDS = 4;
/** Less of a running-vCPU quota left than this fits no job (vCPUs are fractional). */
const QUOTA_SLACK = 1e-6;

/** A claimed job as the claim's read returns it (raw: 64-bit columns as number or bigint). */
interface ClaimedRow {
  id: string;
  attemptCount: number;
  attemptsAllowed: number;
  retryStrategy: string | null;
  container: string;
  arrayIndex: number | null;
  timeoutSeconds: number | null;
  vcpus: number;
  memoryMiB: number;
  organizationId: string;
  jobQueueId: string;
  shareIdentifier: string | null;
  runnableAt: number | bigint | null;
  createdAt: number | bigint;
  definitionName: string;
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// A container that does not parse fails its attempt at spawn (CannotStartContainerError)
// instead of stopping the whole pass.
function safeContainer(json: string): ResolvedContainer {
  try {
    return parseResolvedContainer(json);
  } catch {
    return { image: "", command: [], environment: [], vcpus: 1, memoryMiB: 1, gpus: 0, extra: {} };
  }
}

export class Scheduler {
  private topology: Topology | null = null;

  constructor(
    private readonly db: Db,
    private readonly provider: "sqlite" | "postgresql",
    private readonly engineId: string,
    private readonly executor: Executor,
    private readonly usage: ShareUsage,
    private readonly windowPerQueue: number,
    /** The executors this engine has, and the one an environment without the tag gets. */
    private readonly executors: EngineExecutorSet,
    /** What this machine may hand out across every environment: cores × overcommit, its memory. */
    private readonly host: { vcpus: number; memoryMiB: number },
    private readonly stats?: EngineStats,
  ) {}

  /** An environment's executor: the one its tag names if this engine has it, else none. */
  private executorFor(policy: ExecutorPolicy): ExecutorKind | null {
    return chooseExecutor(policy.executor, this.executors).executor;
  }

  private async loadTopology(now: number): Promise<Topology> {
    if (this.topology && now - this.topology.loadedAt < TOPOLOGY_TTL_MS) return this.topology;
    const [envs, queues, quotas] = await Promise.all([
      this.db.computeEnvironment.findMany({
        select: { id: true, name: true, state: true, maxVcpus: true, memoryMiB: true, gpuIds: true, tags: true },
      }),
      this.db.jobQueue.findMany({
        where: { state: "ENABLED", deletedAt: null },
        select: {
          id: true,
          name: true,
          organizationId: true,
          priority: true,
          state: true,
          computeEnvironments: { select: { computeEnvironmentId: true }, orderBy: { order: "asc" } },
          schedulingPolicy: { select: { fairsharePolicy: true } },
        },
      }),
      effectiveQuotasByOrganization(this.db),
    ]);
    this.topology = {
      loadedAt: now,
      vcpuQuotas: runningVcpuQuotas(
        quotas,
        queues.map((q) => q.organizationId),
      ),
      environments: envs.map((e) => {
        const policy = executorPolicyOf(parseJson<Record<string, string>>(e.tags, {}));
        const executor = this.executorFor(policy);
        return {
          id: e.id,
          name: e.name,
          // An environment whose executor is missing here places nothing: its jobs stay
          // RUNNABLE, and "why isn't it running" says why (lib/jobs/explain-job.ts).
          enabled: e.state === "ENABLED" && executor !== null,
          maxVcpus: e.maxVcpus,
          memoryMiB: e.memoryMiB,
          gpuIds: parseJson<string[]>(e.gpuIds, []),
          policy,
          executor,
        };
      }),
      queues: queues.map((q) => ({
        id: q.id,
        name: q.name,
        organizationId: q.organizationId,
        priority: q.priority,
        enabled: q.state === "ENABLED",
        environmentIds: q.computeEnvironments.map((c) => c.computeEnvironmentId),
        fairsharePolicy: q.schedulingPolicy ? parseJson(q.schedulingPolicy.fairsharePolicy, {}) : null,
      })),
    };
    return this.topology;
  }

  /** Queues, environments or their tags changed: the next pass reads them afresh. */
  topologyChanged(): void {
    this.topology = null;
  }

  /**
   * Capacity free now on each environment and on the machine, from what this engine is running.
   * A GPU id held by a job of any environment is free on none (environments may list the same
   * device).
   */
  private freeCapacity(topology: Topology): { environments: PlacementEnvironment[]; host: HostCapacity } {
    const used = new Map<string, { vcpus: number; mem: number }>();
    const gpusHeld = new Set<string>();
    let hostVcpus = 0;
    let hostMem = 0;
    for (const { job } of this.executor.running.values()) {
      const u = used.get(job.environmentId) ?? { vcpus: 0, mem: 0 };
      u.vcpus += job.vcpus;
      u.mem += job.memoryMiB;
      hostVcpus += job.vcpus;
      hostMem += job.memoryMiB;
      for (const g of job.gpuIds) gpusHeld.add(g);
      used.set(job.environmentId, u);
    }
    const environments = topology.environments.map((e) => {
      const u = used.get(e.id);
      return {
        ...e,
        freeVcpus: e.maxVcpus - (u?.vcpus ?? 0),
        freeMemoryMiB: e.memoryMiB - (u?.mem ?? 0),
        freeGpuIds: e.gpuIds.filter((g) => !gpusHeld.has(g)),
      };
    });
    const host: HostCapacity = {
      maxVcpus: this.host.vcpus,
      memoryMiB: this.host.memoryMiB,
      freeVcpus: this.host.vcpus - hostVcpus,
      freeMemoryMiB: this.host.memoryMiB - hostMem,
    };
    return { environments, host };
  }

  /** Returns how many jobs were started. */
  async pass(): Promise<number> {
    const now = Date.now();
    // Idle engines poll often: one index probe decides whether there is anything to do.
    const [any] = await direct(this.db).$queryRaw<
      unknown[]
    >`SELECT "id" FROM "Job" WHERE ${canMoveSql("place")} LIMIT 1`;
    if (!any) return 0;
    const topology = await this.loadTopology(now);
    const { environments, host } = this.freeCapacity(topology);
    // The machine is full whatever the environments have free: nothing to read.
    if (host.freeVcpus <= 0 || host.freeMemoryMiB <= 0) return 0;
    const byId = new Map(environments.map((e) => [e.id, e]));
    // What the organizations with a running-vCPU quota hold now: one grouped read, none without.
    const quotas = await heldAgainstQuotas(direct(this.db), topology.vcpuQuotas);
    const candidates: PlacementJob[] = [];
    const queues: PlacementQueue[] = [];
    for (const q of topology.queues) {
      // A queue whose environments are all full or off cannot start anything: skip its read.
      const freeVcpus = q.environmentIds.reduce((n, id) => {
        const e = byId.get(id);
        return e?.enabled && e.freeMemoryMiB > 0 ? n + Math.max(0, e.freeVcpus) : n;
      }, 0);
      if (freeVcpus <= 0) continue;
      let reach = Math.min(freeVcpus, host.freeVcpus);
      const quota = quotas.get(q.organizationId);
      if (quota) {
        // Nor can a queue whose organization's jobs hold its whole quota.
        const left = quota.maxVcpus - quota.heldVcpus;
        if (left < QUOTA_SLACK) continue;
        reach = Math.min(reach, left);
      }
      // Read only as far down the queue as free capacity could reach (jobs of a quarter vCPU,
      // plus room for backfill): a busy engine frees one slot at a time and must not re-read
      // a thousand rows to fill it.
      const take = Math.min(this.windowPerQueue, Math.max(MIN_WINDOW, Math.ceil(reach * 4)));
      const rows = await readQueueFront(
        this.db,
        { id: q.id, organizationId: q.organizationId, fairShare: q.fairsharePolicy !== null },
        take,
      );
      if (rows.length === 0) continue;
      const fairShare: FairShare | undefined = q.fairsharePolicy
        ? this.usage.fairShare(q.id, q.fairsharePolicy, now)
        : undefined;
      queues.push({ ...q, fairShare });
      for (const r of rows) {
        if (this.executor.has(r.id)) continue;
        candidates.push({
          id: r.id,
          queueId: q.id,
          vcpus: r.vcpus,
          memoryMiB: r.memoryMiB,
          gpus: r.gpus,
          schedulingPriority: r.schedulingPriority,
          createdAt: Number(r.createdAt),
          runnableAt: Number(r.runnableAt ?? r.createdAt),
          shareIdentifier: r.shareIdentifier,
        });
      }
    }
    if (candidates.length === 0) return 0;
    const { placements, requireConsumables } = await this.placeWithConsumables(
      queues,
      environments,
      candidates,
      host,
      quotas,
      now,
    );
    if (placements.length === 0) return 0;
    return this.claimAndStart(placements, topology, now, requireConsumables);
  }

  /**
   * Placement with consumable resources (lib/batch/consumable.ts). Requirements are read only for
   * the jobs placed (at most as many as there is room for, not the whole window of candidates):
   * each placed job takes its quantities in placement order, so two cannot both take the last
   * seat; a job that cannot is left out and placement runs again without it, so a job waiting on
   * seats takes no capacity from the jobs behind it. A few rounds at most: what is still left
   * over goes to the next pass. `requireConsumables`: some placed job requires a resource, so
   * the claim must take NON_REPLENISHABLE quantities (without any, it reads nothing more).
   */
  private async placeWithConsumables(
    queues: PlacementQueue[],
    environments: PlacementEnvironment[],
    candidates: PlacementJob[],
    host: HostCapacity,
    quotas: ReadonlyMap<string, VcpuQuota>,
    now: number,
  ): Promise<{ placements: ReturnType<typeof place>; requireConsumables: boolean }> {
    const db = direct(this.db);
    let placements = place({ queues, environments, jobs: candidates, now, host, quotas });
    if (placements.length === 0 || !(await anyConsumableResources(db))) {
      return { placements, requireConsumables: false };
    }
    const requirements = new Map<string, ConsumableRequirement[]>();
    const available = new Map<string, number>();
    const waiting = new Set<string>();
    for (let round = 0; round < CONSUMABLE_ROUNDS; round++) {
      const unknown = placements.map((p) => p.jobId).filter((id) => !requirements.has(id));
      for (const [id, list] of await readJobRequirements(db, unknown)) requirements.set(id, list);
      for (const id of unknown) if (!requirements.has(id)) requirements.set(id, []);
      const resources = [...new Set(unknown.flatMap((id) => requirements.get(id)!.map((r) => r.resourceId)))];
      const fresh = resources.filter((id) => !available.has(id));
      for (const [id, q] of await readConsumableQuantities(db, fresh)) available.set(id, q.availableQuantity);
      const kept = reserveInOrder(placements, requirements, consumableAvailability(available));
      const done = { placements: kept, requireConsumables: kept.some((p) => requirements.get(p.jobId)!.length > 0) };
      if (kept.length === placements.length) return done;
      const keptIds = new Set(kept.map((p) => p.jobId));
      for (const p of placements) if (!keptIds.has(p.jobId)) waiting.add(p.jobId);
      if (round === CONSUMABLE_ROUNDS - 1) return done;
      placements = place({
        queues,
        environments,
        jobs: candidates.filter((c) => !waiting.has(c.id)),
        now,
        host,
        quotas,
      });
    }
    return { placements: [], requireConsumables: false };
  }

  /**
   * Each enabled queue with its environments' free capacity now, and the machine's, as the next
   * pass would see them (engine/head-of-queue.ts words why a queue's head waits from this).
   */
  async capacityView(now: number): Promise<CapacityView> {
    const topology = await this.loadTopology(now);
    const { environments, host } = this.freeCapacity(topology);
    const byId = new Map(environments.map((e) => [e.id, e]));
    return {
      host,
      queues: topology.queues
        .filter((q) => q.enabled)
        .map((q) => ({
          id: q.id,
          organizationId: q.organizationId,
          environments: q.environmentIds.map((id) => byId.get(id)).filter((e) => e !== undefined),
          fairShare: q.fairsharePolicy ? this.usage.fairShare(q.id, q.fairsharePolicy, now) : null,
        })),
    };
  }

  private async claimAndStart(
    placements: ReturnType<typeof place>,
    topology: Topology,
    now: number,
    requireConsumables: boolean,
  ): Promise<number> {
    let started = 0;
    // Prisma refuses more than 999 bound parameters per statement on SQLite.
    for (let i = 0; i < placements.length; i += CLAIM_CHUNK) {
      started += await this.claimChunk(placements.slice(i, i + CLAIM_CHUNK), topology, now, requireConsumables);
    }
    return started;
  }

  private async claimChunk(
    placements: ReturnType<typeof place>,
    topology: Topology,
    now: number,
    requireConsumables: boolean,
  ): Promise<number> {
    const byEnv = new Map<string, string[]>();
    for (const p of placements) pushTo(byEnv, p.environmentId, p.jobId);
    const ids = placements.map((p) => p.jobId);
    // The claim commits only while this engine still holds the lease. On SQLite a stalled
    // leader may have been replaced without knowing it yet (its lease simply expired); checking
    // the lease row in the claiming transaction keeps it from starting jobs its successor is
    // about to start. On PostgreSQL the advisory lock cannot pass to another engine while this
    // one's connection lives, so the check is only needed on SQLite. A write transaction: on
    // SQLite a commit by the web server between the lease read and the claim would otherwise
    // fail the claim with SQLITE_BUSY_SNAPSHOT.
    const claimed = await directTransaction(this.db, async (tx) => {
      if (this.provider === "sqlite") {
        const [lease] = await tx.$queryRaw<unknown[]>`
          SELECT "name" FROM "EngineLease"
          WHERE "name" = ${LEADER} AND "holder" = ${this.engineId} AND "expiresAt" > ${Date.now()}`;
        if (!lease) return false;
      }
      const moved: string[] = [];
      for (const [environmentId, jobIds] of byEnv) {
        const ids = await transitionJobsSql(tx, "place", {
          set: Prisma.sql`"leaseOwner" = ${this.engineId}, "computeEnvironmentId" = ${environmentId},
            "attemptCount" = "attemptCount" + 1, "statusReason" = NULL, "updatedAt" = ${now}`,
          where: Prisma.sql`"id" IN (${Prisma.join(jobIds)})`,
        });
        moved.push(...ids);
      }
      // A NON_REPLENISHABLE consumable resource loses what these jobs take, with the claim.
      if (requireConsumables) await consumeNonReplenishable(tx, moved);
      return true;
    });
    if (!claimed) return 0;
    const rows = await direct(this.db).$queryRaw<ClaimedRow[]>`
      SELECT j."id", j."attemptCount", j."attemptsAllowed", j."retryStrategy", j."container", j."arrayIndex",
        j."timeoutSeconds", j."vcpus", j."memoryMiB", j."organizationId", j."jobQueueId", j."shareIdentifier",
        j."runnableAt", j."createdAt", d."name" AS "definitionName"
      FROM "Job" j JOIN "JobDefinition" d ON d."id" = j."jobDefinitionId"
      WHERE j."id" IN (${Prisma.join(ids)}) AND j."status" = ${TRANSITIONS.place.to} AND j."leaseOwner" = ${this.engineId}`;
    const placementOf = new Map(placements.map((p) => [p.jobId, p]));
    const envOf = new Map(topology.environments.map((e) => [e.id, e]));
    const queueName = new Map(topology.queues.map((q) => [q.id, q.name]));
    for (const r of rows) {
      const p = placementOf.get(r.id)!;
      const env = envOf.get(p.environmentId)!;
      const attemptId = newId();
      const claimed: ClaimedJob = {
        id: r.id,
        organizationId: r.organizationId,
        attemptNumber: r.attemptCount,
        attemptId,
        attemptsAllowed: r.attemptsAllowed,
        evaluateOnExit: parseEvaluateOnExit(r.retryStrategy),
        container: safeContainer(r.container),
        arrayIndex: r.arrayIndex,
        queueName: queueName.get(r.jobQueueId) ?? "",
        environmentId: p.environmentId,
        environmentName: env.name,
        // Placement only uses environments with an executor here (enabled above).
        executor: env.executor ?? "process",
        policy: env.policy,
        // AWS: <definition name, 200 chars>/default/<task id>; each attempt has its own stream.
        logStreamName: `${r.definitionName.slice(0, 200)}/default/${attemptId}`,
        timeoutSeconds: r.timeoutSeconds,
        vcpus: r.vcpus,
        memoryMiB: r.memoryMiB,
        gpuIds: p.gpuIds,
        shareKey: `${r.jobQueueId}\u0000${r.shareIdentifier ?? ""}`,
      };
      this.usage.started(r.jobQueueId, r.shareIdentifier ?? "", r.vcpus, now);
      if (this.stats) {
        this.stats.jobsStarted++;
        this.stats.schedulingLatency.observe((now - Number(r.runnableAt ?? r.createdAt)) / 1000);
      }
      this.executor.start(claimed);
    }
    return rows.length;
  }
}

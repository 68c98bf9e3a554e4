// Rows the engine consumes, inserted directly with Prisma (the engine's contract is the
// database, not the submission code): a compute environment, a queue, a definition, and
// jobs already RUNNABLE (or PENDING behind dependencies).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { type EngineHandle, startEngine } from "@/engine/engine";
import type { EngineOptions } from "@/engine/options";
import { computeEnvironmentArn, jobDefinitionArn, jobQueueArn } from "@/lib/batch/arn";
import type { ResolvedContainer } from "@/lib/batch/container";
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import { createOrgWithAdmin } from "./fixtures";

export interface EngineWorld {
  organizationId: string;
  environmentId: string;
  queueId: string;
  definitionId: string;
}

export async function seedEngineWorld(
  db: Db,
  opts: {
    maxVcpus?: number;
    memoryMiB?: number;
    gpuIds?: string[];
    queuePatch?: Record<string, unknown>;
    /**
     * The environment's tags. Default: the process executor (`batchdeck:executor=process`), since
     * these worlds run host commands; container tests pass their own.
     */
    tags?: Record<string, string>;
  } = {},
): Promise<EngineWorld> {
  const { organizationId } = await createOrgWithAdmin(db, `Org ${newId().slice(0, 6)}`);
  const suffix = newId().slice(0, 8);
  const { accountId } = await db.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const environmentId = newId();
  await db.computeEnvironment.create({
    data: {
      id: environmentId,
      organizationId,
      name: `ce-${suffix}`,
      arn: computeEnvironmentArn(accountId, `ce-${suffix}`),
      type: "MANAGED",
      maxVcpus: opts.maxVcpus ?? 4,
      memoryMiB: opts.memoryMiB ?? 8192,
      gpuIds: JSON.stringify(opts.gpuIds ?? []),
      tags: JSON.stringify(opts.tags ?? { "batchdeck:executor": "process" }),
    },
  });
  const queueId = newId();
  await db.jobQueue.create({
    data: {
      id: queueId,
      organizationId,
      name: `q-${suffix}`,
      liveName: `q-${suffix}`,
      arn: jobQueueArn(accountId, `q-${suffix}`),
      priority: 1,
      ...opts.queuePatch,
      computeEnvironments: { create: [{ computeEnvironmentId: environmentId, order: 1 }] },
    },
  });
  const definitionId = newId();
  await db.jobDefinition.create({
    data: {
      id: definitionId,
      organizationId,
      name: `def-${suffix}`,
      revision: 1,
      arn: jobDefinitionArn(accountId, `def-${suffix}`, 1),
    },
  });
  return { organizationId, environmentId, queueId, definitionId };
}

export interface JobSpec {
  id?: string;
  /** The container image (container executor); "local" by default, which only processes ignore. */
  image?: string;
  command: string[];
  /** The rest of containerProperties (user, ulimits, linuxParameters, secrets, …). */
  extra?: Record<string, unknown>;
  environment?: { name: string; value: string }[];
  vcpus?: number;
  memoryMiB?: number;
  gpus?: number;
  attempts?: number;
  retryStrategy?: Record<string, unknown>;
  timeoutSeconds?: number;
  status?: "RUNNABLE" | "PENDING";
  pendingDependencies?: number;
  arrayParentId?: string;
  arrayIndex?: number;
  arraySize?: number;
  createdAt?: number;
  runnableAt?: number;
  schedulingPriority?: number;
  shareIdentifier?: string;
}

export async function insertJobs(db: Db, world: EngineWorld, specs: JobSpec[]): Promise<string[]> {
  const now = Date.now();
  const rows = specs.map((s, i) => {
    const container: ResolvedContainer = {
      image: s.image ?? "local",
      command: s.command,
      environment: s.environment ?? [],
      vcpus: s.vcpus ?? 1,
      memoryMiB: s.memoryMiB ?? 256,
      gpus: s.gpus ?? 0,
      extra: s.extra ?? {},
    };
    const status = s.status ?? "RUNNABLE";
    return {
      id: s.id ?? newId(),
      organizationId: world.organizationId,
      name: `job-${i}`,
      jobQueueId: world.queueId,
      jobDefinitionId: world.definitionId,
      status,
      createdAt: s.createdAt ?? now + i,
      updatedAt: now,
      runnableAt: status === "RUNNABLE" ? (s.runnableAt ?? now) : null,
      vcpus: container.vcpus,
      memoryMiB: container.memoryMiB,
      gpus: container.gpus,
      container: JSON.stringify(container),
      attemptsAllowed: s.attempts ?? 1,
      retryStrategy: s.retryStrategy ? JSON.stringify(s.retryStrategy) : null,
      timeoutSeconds: s.timeoutSeconds ?? null,
      pendingDependencies: s.pendingDependencies ?? 0,
      arrayParentId: s.arrayParentId ?? null,
      arrayIndex: s.arrayIndex ?? null,
      arraySize: s.arraySize ?? null,
      schedulingPriority: s.schedulingPriority ?? 0,
      shareIdentifier: s.shareIdentifier ?? null,
    };
  });
  await db.job.createMany({ data: rows });
  return rows.map((r) => r.id);
}

export async function addDependency(db: Db, jobId: string, dependsOnJobId: string) {
  await db.jobDependency.create({ data: { jobId, dependsOnJobId } });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function jobStatus(db: Db, id: string) {
  return db.job.findUniqueOrThrow({ where: { id }, select: { status: true, statusReason: true, exitCode: true } });
}

export async function waitForTerminal(db: Db, id: string, timeoutMs = 15_000) {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const j = await jobStatus(db, id);
      return j.status === "SUCCEEDED" || j.status === "FAILED" ? j : null;
    },
    timeoutMs,
  );
}

const root = join(import.meta.dirname, "../..");

/** The engine as `npm start` runs it, in its own process (so it can be SIGKILLed), fast timings. */
export function spawnEngineProcess(
  url: string,
  dataDir: string,
  engineId: string,
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      BATCHDECK_DATA_DIR: dataDir,
      BATCHDECK_ENGINE_ID: engineId,
      BATCHDECK_ENGINE_POLL_MS: "10",
      BATCHDECK_ENGINE_LEASE_RENEW_MS: "200",
      BATCHDECK_ENGINE_LEASE_TTL_MS: "800",
      BATCHDECK_ENGINE_SAMPLE_MS: "0",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** SIGTERM (a stopped engine removes its cgroups) and wait for the exit, if still running. */
export async function stopEngineProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

/**
 * An in-process engine on a test database with fast timings (10 ms poll, 200 ms lease renewal,
 * no sampling, silent), leading before it is returned. `options` override any of them.
 */
export async function startTestEngine(
  t: { db: Db; url: string },
  provider: "sqlite" | "postgresql",
  dataDir: string,
  options: Partial<Omit<EngineOptions, "db" | "provider" | "dataDir">> = {},
): Promise<EngineHandle> {
  const engine = startEngine({
    db: t.db,
    provider,
    databaseUrl: t.url,
    dataDir,
    pollMs: 10,
    leaseRenewMs: 200,
    leaseTtlMs: 1_000,
    killGraceMs: 300,
    sampleMs: 0,
    log: () => {},
    ...options,
  });
  await engine.leading();
  return engine;
}

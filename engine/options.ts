// Everything the engine can be tuned with. Defaults suit a laptop; tests shorten the intervals.
import { availableParallelism, hostname, totalmem } from "node:os";
import { AWS_SAMPLE_MS } from "@/lib/backends/aws/metrics";
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import { type EngineLog, engineLog } from "@/lib/log";
import type { RetentionDays } from "@/lib/retention/days";

export interface EngineOptions {
  db: Db;
  /** "sqlite" or "postgresql": decides how leadership is held. */
  provider: "sqlite" | "postgresql";
  /** Needed on PostgreSQL for the advisory-lock connection. */
  databaseUrl?: string;
  /** Working directories of jobs live under `<dataDir>/work`. */
  dataDir: string;
  engineId?: string;
  /**
   * The safety net: how often the leader looks for work nobody woke it for (engine/wake.ts),
   * and for terminate requests. Passes otherwise run only when woken.
   */
  pollMs?: number;
  /** How often the lease is renewed and the heartbeat written. */
  leaseRenewMs?: number;
  /** A SQLite lease not renewed for this long may be taken over. */
  leaseTtlMs?: number;
  /** SIGTERM → SIGKILL grace for timeouts and terminate requests (AWS: 30 s). */
  killGraceMs?: number;
  /** Per-attempt cap on captured STDOUT+STDERR bytes; beyond it output is dropped. */
  logCapBytes?: number;
  /** How often partial log chunks are written while a job runs. */
  logFlushMs?: number;
  /** Metric sampling period; 0 turns the sampler off (the AWS organizations' one too). */
  sampleMs?: number;
  /** Sampling period of organizations on AWS Batch (lib/backends/aws/metrics.ts). */
  awsSampleMs?: number;
  /** How often the leader enforces retention (engine/retention.ts); 0 turns it off. */
  retentionMs?: number;
  /** Retention for organizations that have not chosen (BATCHDECK_RETENTION_*_DAYS); 0 keeps forever. */
  retentionDefaults?: RetentionDays;
  /** Retention: jobs per transaction, transactions per run, pause between them. */
  retentionBatch?: { size: number; maxBatches: number; pauseMs: number };
  /**
   * When running as root: undefined gives each attempt a uid of its own from jobUidRange; a
   * name runs every job as that user; null runs them as root. Without root jobs run as the
   * engine's user whatever this says.
   */
  runAsUser?: string | null;
  /** The uids handed out one per running attempt (reserved for Batchdeck on this host). */
  jobUidRange?: { first: number; last: number };
  /** Where .env files may be; tightened to the owner at start (lib/host-files.ts). */
  configDir?: string;
  /** How often the leader fires due schedules and routes job state change events; 0 turns it off. */
  automationMs?: number;
  /** How often the heads of the queues get AWS's reasons and their time limit actions (head-of-queue.ts). */
  headOfQueueMs?: number;
  /** Candidate jobs read per queue per scheduling pass. */
  windowPerQueue?: number;
  /**
   * The container runtime's Docker API socket (`unix:///path`), or "none" for no container
   * executor; default: Docker's socket if it answers, else a Podman service the engine starts.
   */
  containerHost?: string;
  /** This machine's name for engines on several machines (labels on containers); default the hostname. */
  hostId?: string;
  /**
   * A dead engine's attempts on another machine are retried once that machine has stopped them,
   * or once no engine of it has been heard from for this long (the machine is gone).
   */
  hostDeadMs?: number;
  /** How often a container's writable layer is measured against the environment's disk limit. */
  diskWatchMs?: number;
  /** A multi-tenant install (BATCHDECK_HOSTED): containers are the default executor. */
  hosted?: boolean;
  /** Where the engine writes its log entries; default the JSON/text logger (lib/log.ts). */
  log?: EngineLog;
  /**
   * vCPUs handed out per core of this machine, across every environment and organization
   * (BATCHDECK_VCPU_OVERCOMMIT, default 1): jobs never hold more than cores × this, nor more
   * memory than the machine has, whatever the environments promise.
   */
  vcpuOvercommit?: number;
  /** The machine's cores and memory; default what the operating system reports. */
  hostCores?: number;
  hostMemoryMiB?: number;
}

/** BATCHDECK_VCPU_OVERCOMMIT: a positive number of vCPUs per core, at most 1,000. */
export function parseOvercommit(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return 1;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 1000) {
    throw new Error(
      `BATCHDECK_VCPU_OVERCOMMIT must be a number of vCPUs per core above 0 and at most 1000, not "${text}".`,
    );
  }
  return n;
}

type Optional = "databaseUrl" | "runAsUser" | "jobUidRange" | "configDir" | "containerHost";
export type ResolvedOptions = Required<Omit<EngineOptions, Optional>> & Pick<EngineOptions, Optional>;

export function resolveOptions(o: EngineOptions): ResolvedOptions {
  return {
    engineId: `${hostname()}-${process.pid}-${newId().slice(0, 8)}`,
    pollMs: 2_000,
    leaseRenewMs: 1_000,
    leaseTtlMs: 5_000,
    killGraceMs: 30_000,
    logCapBytes: 64 * 1024 * 1024,
    logFlushMs: 200,
    sampleMs: 5_000,
    awsSampleMs: AWS_SAMPLE_MS,
    retentionMs: 60_000,
    retentionDefaults: { jobDays: 0, logDays: 0 },
    retentionBatch: { size: 500, maxBatches: 20, pauseMs: 100 },
    windowPerQueue: 1_000,
    headOfQueueMs: 5_000,
    automationMs: 1_000,
    hostId: hostname(),
    hostDeadMs: 300_000,
    diskWatchMs: 5_000,
    hosted: false,
    log: engineLog(),
    // In-process engines (tests, benchmarks) take the setting from the environment as main.ts does.
    vcpuOvercommit: parseOvercommit(process.env.BATCHDECK_VCPU_OVERCOMMIT),
    hostCores: availableParallelism(),
    hostMemoryMiB: Math.floor(totalmem() / (1024 * 1024)),
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
  } as ResolvedOptions;
}

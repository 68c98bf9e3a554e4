// Runs claimed jobs as processes on this host and supervises them to the end of the attempt.
//
//   spawn (own process group, fresh working directory, AWS_BATCH_* environment, memory limit)
//     → started event → … → exit → kill what is left of the group → read OOM → outcome event
//   timeout / terminate: SIGTERM to the group, SIGKILL after the grace period; not retried.
//
// Each attempt runs as a uid of its own when the engine is root (job-users.ts): its working
// directory (0700) is that uid's alone, and when the attempt ends every process of that uid is
// killed, so nothing it started (background, setsid, nohup, ignoring SIGTERM) outlives it.
//
// The executor holds the in-memory truth of what runs here: the scheduler reads capacity in
// use from it, and the writer turns its events into database rows.
import { type SpawnOptions, spawn } from "node:child_process";
import { chownSync, closeSync, mkdirSync, rmSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import type { ResolvedContainer } from "@/lib/batch/container";
import { decideRetry, type EvaluateOnExit, type StopKind } from "@/lib/batch/retry";
import { STATUS_REASONS } from "@/lib/batch/states";
import type { EngineLog } from "@/lib/log";
import { type JobIdentities, type JobIdentity, killUid } from "./job-users";
import type { AttemptLimits, CgroupPool, HostLimits } from "./limits";
import { LogCapture } from "./log-capture";
import { logFiles, openForChild } from "./log-files";
import { type AttemptOutcome, EXITED } from "./outcomes";
import { killJobProcesses } from "./processes";
import type { Writer } from "./writer";

export interface ClaimedJob {
  id: string;
  attemptNumber: number;
  attemptId: string;
  attemptsAllowed: number;
  evaluateOnExit: EvaluateOnExit[];
  container: ResolvedContainer;
  arrayIndex: number | null;
  queueName: string;
  environmentId: string;
  environmentName: string;
  logStreamName: string;
  timeoutSeconds: number | null;
  vcpus: number;
  memoryMiB: number;
  gpuIds: string[];
  shareKey: string;
}

interface Running {
  job: ClaimedJob;
  pid: number | null;
  stopKind: StopKind;
  stopReason: string | null;
  /** Set when the engine itself ends the attempt (shutdown): recorded as a lost host. */
  hostReason: string | null;
  timers: NodeJS.Timeout[];
}

export interface ExecutorConfig {
  dataDir: string;
  killGraceMs: number;
  logCapBytes: number;
  host: HostLimits;
  cgroups: CgroupPool;
  identities: JobIdentities;
  writer: Writer;
  log: EngineLog;
}

/** AWS reports a container killed by a signal as 128 + the signal number (137 for SIGKILL). */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return null;
}

export class Executor {
  readonly running = new Map<string, Running>();
  private settled = new Set<Promise<void>>();

  constructor(private readonly config: ExecutorConfig) {}

  has(jobId: string) {
    return this.running.has(jobId);
  }

  start(job: ClaimedJob): void {
    const entry: Running = { job, pid: null, stopKind: "NONE", stopReason: null, hostReason: null, timers: [] };
    this.running.set(job.id, entry);
    const done = this.run(entry).catch((error) =>
      this.config.log("job supervision failed", { level: "error", jobId: job.id, error }),
    );
    this.settled.add(done);
    done.finally(() => this.settled.delete(done));
  }

  private async run(entry: Running) {
    const { job } = entry;
    const { writer } = this.config;
    const workDir = join(this.config.dataDir, "work", job.attemptId);
    let limits: AttemptLimits = { argv: job.container.command, enforced: {} };
    const capture = new LogCapture({
      jobId: job.id,
      attempt: job.attemptNumber,
      capBytes: this.config.logCapBytes,
      files: logFiles(this.config.dataDir, job.id, job.attemptNumber),
    });
    const startedAt = Date.now();
    // Built from nothing: the engine's own environment (DATABASE_URL, BATCHDECK_*) never reaches a job.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: workDir,
      TMPDIR: workDir,
      ...Object.fromEntries(job.container.environment.map((e) => [e.name, e.value])),
      AWS_BATCH_JOB_ID: job.id,
      AWS_BATCH_JOB_ATTEMPT: String(job.attemptNumber),
      AWS_BATCH_JQ_NAME: job.queueName,
      AWS_BATCH_CE_NAME: job.environmentName,
    };
    if (job.arrayIndex !== null) env.AWS_BATCH_JOB_ARRAY_INDEX = String(job.arrayIndex);
    if (job.gpuIds.length > 0) env.CUDA_VISIBLE_DEVICES = job.gpuIds.join(",");

    let exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
    let identity: JobIdentity | null = null;
    let rest: { oomKilled: boolean } | null = null;
    // The cgroup's leftovers; where there is no cgroup (or it could not be emptied), whatever
    // left the process group still runs as the attempt's uid, or at least carries its job id.
    // kill(-1) as the uid costs a process spawn, so it is spent only when the cgroup cannot vouch.
    const killRest = async () => {
      if (rest) return rest;
      const released = this.config.cgroups.release(limits);
      rest = released;
      if (identity?.exclusive) {
        if (!released.emptied) await killUid(identity.uid, identity.gid);
      } else if (entry.pid !== null) killJobProcesses(job.id);
      return rest;
    };
    try {
      // Inside the try: whatever fails before the process exists fails the attempt (and frees
      // its capacity) instead of leaving the job STARTING.
      // No image supplies a default command on this host.
      if (job.container.command.length === 0) throw new Error("the job has no command to run");
      identity = this.config.identities.acquire();
      mkdirSync(workDir, { recursive: true, mode: 0o700 });
      if (identity) chownSync(workDir, identity.uid, identity.gid);
      limits = this.config.cgroups.prepare(job.memoryMiB, job.container.command, identity);
      const [file, ...args] = limits.argv;
      // STDOUT/STDERR go straight to the attempt's files (log-files.ts): what the job wrote
      // survives the engine; the engine tails the files into chunks.
      const fds = openForChild(capture.files);
      capture.guard();
      const options: SpawnOptions = {
        cwd: workDir,
        env: env as NodeJS.ProcessEnv,
        detached: true,
        stdio: ["ignore", fds[0], fds[1]],
      };
      if (identity) Object.assign(options, { uid: identity.uid, gid: identity.gid });
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(file!, args, options);
      } finally {
        for (const fd of fds) closeSync(fd);
      }
      // Listening at once: the child may end while the files are being opened below.
      const exited = new Promise<typeof exit>((resolve) => {
        child.once("error", (error) => resolve({ code: null, signal: null, error }));
        child.once("exit", (code, signal) => resolve({ code, signal }));
      });
      entry.pid = child.pid ?? null;
      writer.watch(capture);
      writer.start({
        jobId: job.id,
        attemptId: job.attemptId,
        attemptNumber: job.attemptNumber,
        computeEnvironmentId: job.environmentId,
        logStreamName: job.logStreamName,
        startedAt,
        pid: entry.pid,
        enforcedLimits: limits.enforced,
      });
      if (job.timeoutSeconds) {
        const t = setTimeout(() => this.stop(job.id, "TIMEOUT", STATUS_REASONS.timeout), job.timeoutSeconds * 1000);
        entry.timers.push(t);
      }
      if (entry.stopKind !== "NONE") this.signalGroup(entry, "SIGTERM");
      await capture.open();
      capture.follow();
      exit = await exited;
      // Nothing the job started may outlive it: its group, its cgroup and its uid are killed
      // as soon as the job's own process ends.
      this.signalGroup(entry, "SIGKILL");
      await killRest();
    } catch (error) {
      this.signalGroup(entry, "SIGKILL");
      exit = { code: null, signal: null, error: error as Error };
    }
    for (const t of entry.timers) clearTimeout(t);
    const { oomKilled: oom } = await killRest();
    this.config.identities.release(identity);
    // Every byte the job wrote is in the files by now: read them to the end before the outcome.
    await capture.finish().catch((error) => this.config.log(`job ${job.id}: reading its log: ${String(error)}`));
    rmSync(workDir, { recursive: true, force: true });
    if (exit.error && entry.pid === null) {
      writer.start({
        jobId: job.id,
        attemptId: job.attemptId,
        attemptNumber: job.attemptNumber,
        computeEnvironmentId: job.environmentId,
        logStreamName: job.logStreamName,
        startedAt,
        pid: null,
        enforcedLimits: limits.enforced,
      });
    }
    this.running.delete(job.id);
    writer.end(this.outcome(entry, exit, oom), capture);
  }

  private outcome(
    entry: Running,
    exit: { code: number | null; signal: NodeJS.Signals | null; error?: Error },
    oom: boolean,
  ): AttemptOutcome {
    const { job } = entry;
    const exitCode = exit.error ? null : exitCodeOf(exit.code, exit.signal);
    const reason = oom
      ? STATUS_REASONS.outOfMemory
      : exit.error
        ? `CannotStartContainerError: ${exit.error.message}`.slice(0, 255)
        : null;
    const statusReason =
      entry.stopKind === "TIMEOUT"
        ? STATUS_REASONS.timeout
        : entry.stopKind === "TERMINATE"
          ? (entry.stopReason ?? "Terminated")
          : (entry.hostReason ?? EXITED);
    const base = { jobId: job.id, attemptId: job.attemptId, exitCode, reason, statusReason, stoppedAt: Date.now() };
    if (exitCode === 0 && entry.stopKind === "NONE" && !entry.hostReason) return { ...base, result: "SUCCEEDED" };
    const decision = decideRetry({
      attempt: job.attemptNumber,
      attemptsAllowed: job.attemptsAllowed,
      evaluateOnExit: job.evaluateOnExit,
      exitCode,
      reason,
      statusReason,
      stopKind: entry.stopKind,
    });
    return { ...base, result: decision.action === "RETRY" ? "RETRY" : "FAILED" };
  }

  private signalGroup(entry: Running, signal: NodeJS.Signals) {
    if (entry.pid === null) return;
    try {
      process.kill(-entry.pid, signal);
    } catch {
      // the group is gone
    }
  }

  /** Timeout or terminate: SIGTERM now, SIGKILL after the grace period. */
  stop(jobId: string, kind: "TIMEOUT" | "TERMINATE", reason: string) {
    const entry = this.running.get(jobId);
    if (!entry || entry.stopKind !== "NONE") return;
    entry.stopKind = kind;
    entry.stopReason = reason;
    this.signalGroup(entry, "SIGTERM");
    const t = setTimeout(() => this.signalGroup(entry, "SIGKILL"), this.config.killGraceMs);
    t.unref?.();
    entry.timers.push(t);
  }

  /** Kills every job at once (shutdown, lost leadership) and waits for their outcomes. */
  async killAll(hostReason: string): Promise<void> {
    for (const entry of this.running.values()) {
      entry.hostReason = hostReason;
      this.signalGroup(entry, "SIGKILL");
    }
    await Promise.allSettled([...this.settled]);
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.settled]);
  }
}

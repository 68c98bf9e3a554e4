// Runs claimed jobs on this host and supervises them to the end of the attempt, through the
// runner of the job's executor: a container (containers/container-runner.ts) or a sealed process
// (process-runner.ts).
//
//   runner starts the job → started event (attempt row, clock) → … → exit → outcome event
//   timeout / terminate: SIGTERM, SIGKILL after the grace period; not retried.
//
// The executor holds the in-memory truth of what runs here: the scheduler reads capacity in
// use from it, and the writer turns its events into database rows.
import { constants } from "node:os";
import { decideRetry, type StopKind } from "@/lib/batch/retry";
import { STATUS_REASONS } from "@/lib/batch/states";
import type { EngineLog } from "@/lib/log";
import type { SecretResolution } from "@/lib/org-secrets/resolve-job-secrets";
import type { AttemptCapture, AttemptExit, AttemptRunner, ClaimedJob, RunContext } from "./attempt";
import { type AttemptOutcome, EXITED } from "./outcomes";
import type { Writer } from "./writer";

export type { ClaimedJob } from "./attempt";

interface Running {
  job: ClaimedJob;
  pid: number | null;
  stopKind: StopKind;
  stopReason: string | null;
  /** Set when the engine itself ends the attempt (shutdown): recorded as a lost host. */
  hostReason: string | null;
  timers: NodeJS.Timeout[];
  /** Delivers a signal to everything the attempt runs (set by its runner). */
  signal: (signal: NodeJS.Signals) => void;
}

/** An attempt a previous engine started, taken over by this one (recovery). */
export interface Adoption {
  /** When the attempt started: its timeout counts from here. */
  startedAt: number;
  /** Its start is in the database already (an attempt row exists). */
  recorded: boolean;
  /** The runner's way of supervising what is already running. */
  run(ctx: RunContext): Promise<AttemptExit>;
}

export interface ExecutorConfig {
  killGraceMs: number;
  /** The values of a job's `secrets` (lib/org-secrets): injected on both executors, never dropped. */
  resolveSecrets(job: ClaimedJob): Promise<SecretResolution>;
  runners: Partial<Record<ClaimedJob["executor"], AttemptRunner>>;
  writer: Writer;
  log: EngineLog;
  /** Called when an attempt has ended and its capacity is free again. */
  onSlotFreed?: () => void;
}

/** AWS reports a container killed by a signal as 128 + the signal number (137 for SIGKILL). */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return null;
}

/** The AWS_BATCH_* variables every attempt sees, over the job's own. */
export function attemptEnvironment(job: ClaimedJob): Record<string, string> {
  const env: Record<string, string> = {
    ...Object.fromEntries(job.container.environment.map((e) => [e.name, e.value])),
    AWS_BATCH_JOB_ID: job.id,
    AWS_BATCH_JOB_ATTEMPT: String(job.attemptNumber),
    AWS_BATCH_JQ_NAME: job.queueName,
    AWS_BATCH_CE_NAME: job.environmentName,
  };
  if (job.arrayIndex !== null) env.AWS_BATCH_JOB_ARRAY_INDEX = String(job.arrayIndex);
  return env;
}

export class Executor {
  readonly running = new Map<string, Running>();
  private settled = new Set<Promise<void>>();

  constructor(private readonly config: ExecutorConfig) {}

  has(jobId: string) {
    return this.running.has(jobId);
  }

  start(job: ClaimedJob): void {
    this.supervise(job, null);
  }

  /**
   * Takes over an attempt a previous engine started and left running (recovery): supervised like
   * one started here, its clock counted from its recorded start. `run` is the runner's way in.
   */
  adopt(job: ClaimedJob, adoption: Adoption): void {
    this.supervise(job, adoption);
  }

  private supervise(job: ClaimedJob, adoption: Adoption | null): void {
    const entry: Running = {
      job,
      pid: null,
      stopKind: "NONE",
      stopReason: null,
      hostReason: null,
      timers: [],
      signal: () => {},
    };
    this.running.set(job.id, entry);
    const done = this.run(entry, adoption).catch((error) =>
      this.config.log("job supervision failed", { level: "error", jobId: job.id, error }),
    );
    this.settled.add(done);
    done.finally(() => this.settled.delete(done));
  }

  private async run(entry: Running, adoption: Adoption | null) {
    const { job } = entry;
    const { writer } = this.config;
    const startedAt = adoption?.startedAt ?? Date.now();
    // An adopted attempt whose start is already in the database is not recorded again.
    let recorded = adoption?.recorded ?? false;
    let capture: AttemptCapture | null = null;
    const record = (pid: number | null, enforcedLimits: Record<string, unknown>) => {
      if (recorded) return;
      recorded = true;
      writer.start({
        jobId: job.id,
        attemptId: job.attemptId,
        attemptNumber: job.attemptNumber,
        computeEnvironmentId: job.environmentId,
        logStreamName: job.logStreamName,
        startedAt,
        pid,
        enforcedLimits,
      });
    };
    const runner = this.config.runners[job.executor];
    let exit: AttemptExit;
    const secrets = runner
      ? await this.config.resolveSecrets(job).catch(
          (error: Error): SecretResolution => ({
            ok: false,
            reason: `ResourceInitializationError: ${error.message}`,
          }),
        )
      : null;
    if (!runner) {
      // The scheduler places jobs only where their executor exists; this is the last guard.
      exit = {
        code: null,
        signal: null,
        error: new Error(`no ${job.executor} executor on this engine`),
        oomKilled: false,
      };
    } else if (secrets && !secrets.ok) {
      // A secret that does not exist (or cannot be opened) fails the attempt before anything runs.
      exit = { code: null, signal: null, reason: secrets.reason, oomKilled: false };
    } else {
      const ctx: RunContext = {
        job,
        environment: attemptEnvironment(job),
        secrets: secrets?.ok ? secrets.values : {},
        started: (info) => {
          entry.pid = info.pid;
          capture = info.capture;
          writer.watch(info.capture);
          record(info.pid, info.enforcedLimits);
          if (job.timeoutSeconds) {
            const t = setTimeout(
              () => this.stop(job.id, "TIMEOUT", STATUS_REASONS.timeout),
              Math.max(0, startedAt + job.timeoutSeconds * 1000 - Date.now()),
            );
            entry.timers.push(t);
          }
          // A terminate (or shutdown) that came while the job was starting.
          if (entry.stopKind !== "NONE" || entry.hostReason) {
            entry.signal(entry.hostReason ? "SIGKILL" : "SIGTERM");
          }
        },
        onSignal: (send) => {
          entry.signal = send;
        },
        stopRequested: () => entry.stopKind !== "NONE" || entry.hostReason !== null,
        log: (message) => this.config.log(message),
      };
      exit = await (adoption ? adoption.run(ctx) : runner.run(ctx)).catch((error: Error) => ({
        code: null,
        signal: null,
        error,
        oomKilled: false,
      }));
    }
    for (const t of entry.timers) clearTimeout(t);
    // An attempt that never started still counts: it gets its row before its outcome.
    record(entry.pid, { executor: job.executor });
    this.running.delete(job.id);
    writer.end(this.outcome(entry, exit), capture);
    this.config.onSlotFreed?.();
  }

  private outcome(entry: Running, exit: AttemptExit): AttemptOutcome {
    const { job } = entry;
    const exitCode = exit.error ? null : exitCodeOf(exit.code, exit.signal);
    const reason = exit.oomKilled
      ? STATUS_REASONS.outOfMemory
      : exit.reason
        ? exit.reason.slice(0, 255)
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
    if (exitCode === 0 && entry.stopKind === "NONE" && !entry.hostReason) return { ...base, result: "succeed" };
    const decision = decideRetry({
      attempt: job.attemptNumber,
      attemptsAllowed: job.attemptsAllowed,
      evaluateOnExit: job.evaluateOnExit,
      exitCode,
      reason,
      statusReason,
      stopKind: entry.stopKind,
    });
    if (decision.action === "RETRY") return { ...base, result: "retry" };
    return { ...base, result: entry.stopKind === "TERMINATE" ? "terminate" : "fail" };
  }

  /** Timeout or terminate: SIGTERM now, SIGKILL after the grace period. */
  stop(jobId: string, kind: "TIMEOUT" | "TERMINATE", reason: string) {
    const entry = this.running.get(jobId);
    if (!entry || entry.stopKind !== "NONE") return;
    entry.stopKind = kind;
    entry.stopReason = reason;
    entry.signal("SIGTERM");
    const t = setTimeout(() => entry.signal("SIGKILL"), this.config.killGraceMs);
    t.unref?.();
    entry.timers.push(t);
  }

  /** Kills every job at once (shutdown, lost leadership) and waits for their outcomes. */
  async killAll(hostReason: string): Promise<void> {
    for (const entry of this.running.values()) {
      entry.hostReason = hostReason;
      entry.signal("SIGKILL");
    }
    await Promise.allSettled([...this.settled]);
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.settled]);
  }
}

// What the executor hands a runner (process or container) for one attempt, and what the runner
// gives back. The executor (executor.ts) owns everything both kinds share: the record of the
// start, timeouts and terminate requests, the outcome and the retry decision; a runner only
// starts the job its own way, reports when it runs, signals it when asked and says how it ended.
import type { ResolvedContainer } from "@/lib/batch/container";
import type { ExecutorKind, ExecutorPolicy } from "@/lib/batch/executor-policy";
import type { EvaluateOnExit } from "@/lib/batch/retry";
import type { LogChunkRow } from "./log-capture";

export interface ClaimedJob {
  id: string;
  organizationId: string;
  attemptNumber: number;
  attemptId: string;
  attemptsAllowed: number;
  evaluateOnExit: EvaluateOnExit[];
  container: ResolvedContainer;
  arrayIndex: number | null;
  queueName: string;
  environmentId: string;
  environmentName: string;
  /** Which executor runs it, decided when the job was placed (never changed afterwards). */
  executor: ExecutorKind;
  policy: ExecutorPolicy;
  logStreamName: string;
  timeoutSeconds: number | null;
  vcpus: number;
  memoryMiB: number;
  gpuIds: string[];
  shareKey: string;
}

/** A log source the writer stores chunks from while the attempt runs, and disposes of after. */
export interface AttemptCapture {
  take(): LogChunkRow[];
  dispose(): void;
}

export interface AttemptExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The attempt could not start or be supervised: its message becomes the reason. */
  error?: Error;
  /** A reason in AWS's words that is not an exit (CannotPullContainerError: …, secrets). */
  reason?: string;
  oomKilled: boolean;
}

export interface RunContext {
  job: ClaimedJob;
  /** AWS_BATCH_* and the job's own variables. */
  environment: Record<string, string>;
  /** The values of the definition's `secrets`, by variable name: they win over `environment`. */
  secrets: Record<string, string>;
  /** The job is running: record the attempt (once) and start its clock. */
  started(info: { pid: number | null; enforcedLimits: Record<string, unknown>; capture: AttemptCapture }): void;
  /** How to deliver a signal to everything the attempt runs; called before the job starts. */
  onSignal(send: (signal: NodeJS.Signals) => void): void;
  /** A terminate, timeout or shutdown came before the job started: do not start it. */
  stopRequested(): boolean;
  log(message: string): void;
}

export interface AttemptRunner {
  readonly kind: ExecutorKind;
  /** Runs the attempt to its end (every process of it gone) and reads its log to the end. */
  run(ctx: RunContext): Promise<AttemptExit>;
}

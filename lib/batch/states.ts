// The job state machine, written once. The engine, the backends and the UI import these
// predicates and transitions instead of comparing status strings.
//
//   SUBMITTED ──deps outstanding──▶ PENDING ──all deps SUCCEEDED──▶ RUNNABLE
//   SUBMITTED ──no deps───────────────────────────────────────────▶ RUNNABLE
//   PENDING   ──a dep FAILED──▶ FAILED                      ("Dependent Job failed")
//   RUNNABLE  ──placed──▶ STARTING ──process spawned──▶ RUNNING
//   RUNNING   ──exit 0──▶ SUCCEEDED
//   RUNNING   ──exit ≠ 0, attempts left, retry decision RETRY──▶ RUNNABLE
//   RUNNING   ──exit ≠ 0 and no retry / timeout / terminate──▶ FAILED
//   SUBMITTED|PENDING|RUNNABLE ──cancel / jobStateTimeLimitAction CANCEL──▶ FAILED
//   STARTING|RUNNING ──terminate──▶ FAILED
//   Array parents: SUBMITTED → PENDING → SUCCEEDED | FAILED (never RUNNABLE or RUNNING).

export const JOB_STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ["SUCCEEDED", "FAILED"];
export const ACTIVE_STATUSES: readonly JobStatus[] = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"];
/** States in which CancelJob acts; in STARTING and RUNNING it is a successful no-op. */
export const CANCELLABLE_STATUSES: readonly JobStatus[] = ["SUBMITTED", "PENDING", "RUNNABLE"];
/** States in which a process may exist for the job. */
export const ON_HOST_STATUSES: readonly JobStatus[] = ["STARTING", "RUNNING"];

export const isTerminal = (s: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s);
export const isCancellable = (s: string): boolean => (CANCELLABLE_STATUSES as readonly string[]).includes(s);
export const isOnHost = (s: string): boolean => (ON_HOST_STATUSES as readonly string[]).includes(s);
export const isJobStatus = (s: unknown): s is JobStatus =>
  typeof s === "string" && (JOB_STATUSES as readonly string[]).includes(s);

/** Every allowed move, named. Anything not listed here is a bug. */
export const TRANSITIONS = {
  submitWithDependencies: { from: ["SUBMITTED"], to: "PENDING" },
  submitReady: { from: ["SUBMITTED"], to: "RUNNABLE" },
  dependenciesSatisfied: { from: ["PENDING"], to: "RUNNABLE" },
  dependencyFailed: { from: ["PENDING"], to: "FAILED" },
  place: { from: ["RUNNABLE"], to: "STARTING" },
  processStarted: { from: ["STARTING"], to: "RUNNING" },
  succeed: { from: ["RUNNING"], to: "SUCCEEDED" },
  retry: { from: ["STARTING", "RUNNING"], to: "RUNNABLE" },
  fail: { from: ["STARTING", "RUNNING"], to: "FAILED" },
  cancel: { from: ["SUBMITTED", "PENDING", "RUNNABLE"], to: "FAILED" },
  terminate: { from: ["STARTING", "RUNNING"], to: "FAILED" },
  arrayChildrenSucceeded: { from: ["PENDING"], to: "SUCCEEDED" },
  arrayChildFailed: { from: ["PENDING"], to: "FAILED" },
} as const satisfies Record<string, { from: readonly JobStatus[]; to: JobStatus }>;

export type TransitionName = keyof typeof TRANSITIONS;

export function canTransition(name: TransitionName, from: string): boolean {
  return (TRANSITIONS[name].from as readonly string[]).includes(from);
}

/** Status reasons, worded as AWS Batch words them. */
export const STATUS_REASONS = {
  essentialContainerExited: "Essential container in task exited",
  timeout: "Job attempt duration exceeded timeout",
  dependentJobFailed: "Dependent Job failed",
  arrayChildFailed: "Array Child Job failed",
  hostTerminated: (host: string) => `Host EC2 (instance ${host}) terminated.`,
  outOfMemory: "OutOfMemoryError: Container killed due to memory usage",
} as const;

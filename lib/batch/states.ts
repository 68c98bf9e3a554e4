// The job state machine, written once. The engine, the backends and the UI import these
// statuses, groups and transitions instead of spelling status strings; every change of
// Job.status is one of the named moves below, applied by lib/jobs/transition-jobs.ts (guard:
// status in `from`; write: `to`), and lib/batch/status-literals.test.ts fails on a status
// spelled anywhere else.
//
//   SUBMITTED ──deps outstanding──▶ PENDING ──all deps SUCCEEDED──▶ RUNNABLE
//   SUBMITTED ──no deps───────────────────────────────────────────▶ RUNNABLE
//   SUBMITTED ──a dep already FAILED──▶ FAILED   (AWS's PENDING → FAILED, taken at insert)
//   PENDING   ──a dep FAILED (an array child: its parent did)──▶ FAILED ("Dependent Job failed")
//   RUNNABLE  ──placed──▶ STARTING ──process spawned──▶ RUNNING
//   RUNNING   ──exit 0──▶ SUCCEEDED
//   STARTING|RUNNING ──exit ≠ 0, attempts left, retry decision RETRY──▶ RUNNABLE
//   STARTING|RUNNING ──exit ≠ 0 and no retry / timeout / lost host──▶ FAILED
//   STARTING|RUNNING ──terminate (the engine kills it, then records it)──▶ FAILED
//   SUBMITTED|PENDING|RUNNABLE ──cancel──▶ FAILED
//   RUNNABLE  ──jobStateTimeLimitAction (state RUNNABLE, action CANCEL)──▶ FAILED
//   Array parents: SUBMITTED → PENDING → SUCCEEDED | FAILED (never RUNNABLE or RUNNING).
//
// No job is stored SUBMITTED: a submission inserts its rows at the `to` of a submit move.

export const JOB_STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/**
 * Each status by name, as Prisma spells an enum (`JobStatus.RUNNABLE`): for code that reads or
 * shows one status. A write names a move of TRANSITIONS instead.
 */
export const JobStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, s])) as { readonly [S in JobStatus]: S };

const TERMINAL = ["SUCCEEDED", "FAILED"] as const;
export type TerminalStatus = (typeof TERMINAL)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = TERMINAL;
export const ACTIVE_STATUSES: readonly JobStatus[] = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"];
/** States in which CancelJob acts; in STARTING and RUNNING it is a successful no-op. */
export const CANCELLABLE_STATUSES: readonly JobStatus[] = ["SUBMITTED", "PENDING", "RUNNABLE"];
/** States in which a process may exist for the job. */
export const ON_HOST_STATUSES: readonly JobStatus[] = ["STARTING", "RUNNING"];
/**
 * The unfinished states the queue samples count (engine/sampler.ts, and the AWS backend's
 * ListJobs per status): SUBMITTED is left out, AWS passes through it in moments and the
 * built-in backend never stores it.
 */
export const SAMPLED_STATUSES = ["PENDING", "RUNNABLE", "STARTING", "RUNNING"] as const satisfies readonly JobStatus[];
/** The states the dashboard charts per queue: waiting and running (STARTING lasts an instant). */
export const CHARTED_STATUSES = ["PENDING", "RUNNABLE", "RUNNING"] as const satisfies readonly JobStatus[];
export type ChartedStatus = (typeof CHARTED_STATUSES)[number];

export const isTerminal = (s: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s);
export const isCancellable = (s: string): boolean => (CANCELLABLE_STATUSES as readonly string[]).includes(s);
export const isOnHost = (s: string): boolean => (ON_HOST_STATUSES as readonly string[]).includes(s);
export const isJobStatus = (s: unknown): s is JobStatus =>
  typeof s === "string" && (JOB_STATUSES as readonly string[]).includes(s);

/** Every allowed move, named. Anything not listed here is a bug. */
export const TRANSITIONS = {
  submitWithDependencies: { from: ["SUBMITTED"], to: "PENDING" },
  submitReady: { from: ["SUBMITTED"], to: "RUNNABLE" },
  submitDependencyFailed: { from: ["SUBMITTED"], to: "FAILED" },
  dependenciesSatisfied: { from: ["PENDING"], to: "RUNNABLE" },
  dependencyFailed: { from: ["PENDING"], to: "FAILED" },
  place: { from: ["RUNNABLE"], to: "STARTING" },
  processStarted: { from: ["STARTING"], to: "RUNNING" },
  succeed: { from: ["RUNNING"], to: "SUCCEEDED" },
  retry: { from: ["STARTING", "RUNNING"], to: "RUNNABLE" },
  fail: { from: ["STARTING", "RUNNING"], to: "FAILED" },
  cancel: { from: ["SUBMITTED", "PENDING", "RUNNABLE"], to: "FAILED" },
  terminate: { from: ["STARTING", "RUNNING"], to: "FAILED" },
  timeLimitCancel: { from: ["RUNNABLE"], to: "FAILED" },
  arrayChildrenSucceeded: { from: ["PENDING"], to: "SUCCEEDED" },
  arrayChildFailed: { from: ["PENDING"], to: "FAILED" },
} as const satisfies Record<string, { from: readonly [JobStatus, ...JobStatus[]]; to: JobStatus }>;

export type TransitionName = keyof typeof TRANSITIONS;

export function canTransition(name: TransitionName, from: string): boolean {
  return (TRANSITIONS[name].from as readonly string[]).includes(from);
}

/** The moves a submission inserts its rows by: a new row's status is one of their `to`. */
export type SubmitTransition = "submitReady" | "submitWithDependencies" | "submitDependencyFailed";
export type InitialStatus = (typeof TRANSITIONS)[SubmitTransition]["to"];
/** The moves that end an attempt: the engine's outcome names one (engine/outcomes.ts). */
export type AttemptEndTransition = "succeed" | "fail" | "terminate" | "retry";

/** Status reasons, worded as AWS Batch words them. */
export const STATUS_REASONS = {
  essentialContainerExited: "Essential container in task exited",
  timeout: "Job attempt duration exceeded timeout",
  dependentJobFailed: "Dependent Job failed",
  arrayChildFailed: "Array Child Job failed",
  hostTerminated: (host: string) => `Host EC2 (instance ${host}) terminated.`,
  outOfMemory: "OutOfMemoryError: Container killed due to memory usage",
} as const;

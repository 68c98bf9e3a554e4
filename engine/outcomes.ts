// Writing what happened to attempts: started (the move processStarted, the attempt row) and
// ended (the move the outcome names: succeed, fail, terminate, or retry back to the queue;
// lib/batch/states.ts). Many jobs go in one transaction with a
// few grouped statements, because per-job autocommits would cap the engine at a few hundred
// jobs per second on SQLite. Every job update is guarded by the engine's lease, so an engine
// that lost leadership cannot overwrite what its successor decided.
import { Prisma } from "@/generated/sqlite/client";
import { type AttemptEndTransition, STATUS_REASONS, TRANSITIONS } from "@/lib/batch/states";
import type { Tx } from "@/lib/db";
import { afterJobsFinished, type FinishedJob } from "@/lib/jobs/finish";
import { transitionJobs } from "@/lib/jobs/transition-jobs";

export interface StartedAttempt {
  jobId: string;
  attemptId: string;
  attemptNumber: number;
  computeEnvironmentId: string;
  logStreamName: string;
  startedAt: number;
  pid: number | null;
  enforcedLimits: Record<string, unknown>;
}

export interface AttemptOutcome {
  jobId: string;
  attemptId: string;
  exitCode: number | null;
  /** Container-level reason (≤255 chars), e.g. OutOfMemoryError. */
  reason: string | null;
  statusReason: string;
  stoppedAt: number;
  /** The move the job makes: succeed, fail, terminate, or retry. */
  result: AttemptEndTransition;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const EXITED = STATUS_REASONS.essentialContainerExited;
/** Ended attempts per UPDATE: 5 bound parameters each, far below both databases' limits. */
const ATTEMPTS_PER_STATEMENT = 1_000;

export async function applyStarted(tx: Tx, engineId: string, started: StartedAttempt[], now: number) {
  if (started.length === 0) return;
  const ids = started.map((s) => s.jobId);
  await transitionJobs(
    tx,
    "processStarted",
    { id: { in: ids }, leaseOwner: engineId },
    { startedAt: now, updatedAt: now },
  );
  // Only jobs still leased to this engine get their attempt row: after a lost lease the
  // successor has already written the row for that attempt number.
  const ours = new Set(
    (await tx.job.findMany({ where: { id: { in: ids }, leaseOwner: engineId }, select: { id: true } })).map(
      (j) => j.id,
    ),
  );
  const rows = started.filter((s) => ours.has(s.jobId));
  if (rows.length === 0) return;
  await tx.jobAttempt.createMany({
    data: rows.map((s) => ({
      id: s.attemptId,
      jobId: s.jobId,
      attemptNumber: s.attemptNumber,
      computeEnvironmentId: s.computeEnvironmentId,
      startedAt: s.startedAt,
      logStreamName: s.logStreamName,
      enforcedLimits: JSON.stringify(s.enforcedLimits),
      engineId,
      pid: s.pid,
    })),
  });
}

/**
 * Records ended attempts and moves their jobs. `leaseOwner` null (recovery) acts on jobs
 * whatever engine held them. Returns the jobs that reached a terminal state.
 */
export async function applyOutcomes(
  tx: Tx,
  leaseOwner: string | null,
  outcomes: AttemptOutcome[],
  now: number,
): Promise<FinishedJob[]> {
  if (outcomes.length === 0) return [];
  await recordEndedAttempts(tx, outcomes);
  const groups = new Map<string, AttemptOutcome[]>();
  for (const o of outcomes) {
    const key = JSON.stringify([o.result, o.statusReason, o.exitCode]);
    pushTo(groups, key, o);
  }
  const finished: FinishedJob[] = [];
  for (const group of groups.values()) {
    const { result, statusReason, exitCode } = group[0]!;
    const data =
      result === "retry"
        ? {
            runnableAt: now,
            leaseOwner: null,
            leaseExpiresAt: null,
            computeEnvironmentId: null,
            statusReason,
            exitCode,
            updatedAt: now,
          }
        : {
            statusReason,
            exitCode,
            stoppedAt: now,
            leaseOwner: null,
            leaseExpiresAt: null,
            updatedAt: now,
          };
    const ids = group.map((o) => o.jobId);
    const moved = await transitionJobs(tx, result, { id: { in: ids }, ...(leaseOwner ? { leaseOwner } : {}) }, data);
    if (result === "retry") continue;
    const status = TRANSITIONS[result].to;
    if (moved === ids.length) {
      finished.push(...ids.map((id) => ({ id, status })));
      continue;
    }
    // Some were no longer ours: find out which did move, so only those release dependents.
    const rows = await tx.job.findMany({
      where: { id: { in: ids }, status, stoppedAt: now },
      select: { id: true },
    });
    finished.push(...rows.map((r) => ({ id: r.id, status })));
  }
  await afterJobsFinished(tx, finished, now);
  return finished;
}

/**
 * Stops the attempts' rows, every attempt of a chunk in one `UPDATE … FROM (VALUES …)`: each
 * attempt has its own stop time, exit code and reasons, and one statement per attempt cost a
 * round trip each, which on PostgreSQL let a busy engine's flushes grow to thousands of
 * statements and seconds (bench/array-10k.ts). A missing row (an attempt that was never ours
 * to record, after a lost lease) simply matches nothing. The casts type the VALUES columns for
 * PostgreSQL, as in lib/jobs/insert-jobs.ts.
 */
async function recordEndedAttempts(tx: Tx, outcomes: AttemptOutcome[]): Promise<void> {
  for (let i = 0; i < outcomes.length; i += ATTEMPTS_PER_STATEMENT) {
    const values = outcomes
      .slice(i, i + ATTEMPTS_PER_STATEMENT)
      .map((o) => Prisma.sql`(${o.attemptId}, ${o.stoppedAt}, ${o.exitCode}, ${o.reason}, ${o.statusReason})`);
    await tx.$executeRaw`
      UPDATE "JobAttempt" SET "stoppedAt" = CAST(v.column2 AS BIGINT), "exitCode" = CAST(v.column3 AS INTEGER),
        "reason" = CAST(v.column4 AS TEXT), "statusReason" = CAST(v.column5 AS TEXT)
      FROM (VALUES ${Prisma.join(values)}) AS v
      WHERE "JobAttempt"."id" = CAST(v.column1 AS TEXT)`;
  }
}

// Writing what happened to attempts: started (the move processStarted, the attempt row) and
// ended (the move the outcome names: succeed, fail, terminate, or retry back to the queue;
// lib/batch/states.ts). Many jobs go in one transaction with a
// few grouped statements, because per-job autocommits would cap the engine at a few hundred
// jobs per second on SQLite. Every job update is guarded by the engine's lease, so an engine
// that lost leadership cannot overwrite what its successor decided. Raw statements only: the
// writer runs them in a direct transaction (lib/db/direct.ts), recovery in a Prisma one.
import { Prisma } from "@/generated/sqlite/client";
import { type AttemptEndTransition, STATUS_REASONS, TRANSITIONS } from "@/lib/batch/states";
import type { RawSql } from "@/lib/db/direct";
import { afterJobsFinished, type FinishedJob } from "@/lib/jobs/finish";
import { transitionJobsSql } from "@/lib/jobs/transition-jobs";
import { recordUsage } from "@/lib/usage/record-usage";

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
/** Job ids per IN list, under SQLite's bound-parameter limit as Prisma counts it (999). */
const IDS_PER_STATEMENT = 900;

/** Started attempts per statement: 9 bound parameters each. */
const STARTED_PER_STATEMENT = 100;

export async function applyStarted(tx: RawSql, engineId: string, started: StartedAttempt[], now: number) {
  for (let i = 0; i < started.length; i += STARTED_PER_STATEMENT) {
    await applyStartedChunk(tx, engineId, started.slice(i, i + STARTED_PER_STATEMENT), now);
  }
}

async function applyStartedChunk(tx: RawSql, engineId: string, started: StartedAttempt[], now: number) {
  const ids = Prisma.join(started.map((s) => s.jobId));
  await transitionJobsSql(tx, "processStarted", {
    set: Prisma.sql`"startedAt" = ${now}, "updatedAt" = ${now}`,
    where: Prisma.sql`"id" IN (${ids}) AND "leaseOwner" = ${engineId}`,
  });
  // Only jobs still leased to this engine get their attempt row: after a lost lease the
  // successor has already written the row for that attempt number.
  const ours = new Set(
    (
      await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Job" WHERE "id" IN (${ids}) AND "leaseOwner" = ${engineId}`
    ).map((j) => j.id),
  );
  const rows = started.filter((s) => ours.has(s.jobId));
  if (rows.length === 0) return;
  const values = rows.map(
    (s) =>
      Prisma.sql`(${s.attemptId}, ${s.jobId}, ${s.attemptNumber}, ${s.computeEnvironmentId}, ${s.startedAt}, ${s.logStreamName}, ${JSON.stringify(s.enforcedLimits)}, ${engineId}, ${s.pid})`,
  );
  await tx.$executeRaw`
    INSERT INTO "JobAttempt"
      ("id", "jobId", "attemptNumber", "computeEnvironmentId", "startedAt", "logStreamName", "enforcedLimits", "engineId", "pid")
    VALUES ${Prisma.join(values)}`;
}

/**
 * Records ended attempts and moves their jobs. `leaseOwner` null (recovery) acts on jobs
 * whatever engine held them. Returns the jobs that reached a terminal state.
 */
export async function applyOutcomes(
  tx: RawSql,
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
    const set =
      result === "retry"
        ? Prisma.sql`"runnableAt" = ${now}, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "computeEnvironmentId" = NULL,
            "statusReason" = ${statusReason}, "exitCode" = ${exitCode}, "updatedAt" = ${now}`
        : Prisma.sql`"statusReason" = ${statusReason}, "exitCode" = ${exitCode}, "stoppedAt" = ${now},
            "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${now}`;
    for (let i = 0; i < group.length; i += IDS_PER_STATEMENT) {
      const ids = group.slice(i, i + IDS_PER_STATEMENT).map((o) => o.jobId);
      const where = leaseOwner
        ? Prisma.sql`"id" IN (${Prisma.join(ids)}) AND "leaseOwner" = ${leaseOwner}`
        : Prisma.sql`"id" IN (${Prisma.join(ids)})`;
      // RETURNING names the jobs that moved: only those release dependents.
      const moved = await transitionJobsSql(tx, result, { set, where });
      if (result === "retry") continue;
      const status = TRANSITIONS[result].to;
      finished.push(...moved.map((id) => ({ id, status })));
    }
  }
  await afterJobsFinished(tx, finished, now);
  return finished;
}

/**
 * Stops the attempts' rows, every attempt of a chunk in one `UPDATE … FROM (VALUES …)`: each
 * attempt has its own stop time, exit code and reasons, and one statement per attempt cost a
 * round trip each, which on PostgreSQL let a busy engine's flushes grow to thousands of
 * statements and seconds (bench/array-10k.ts). A missing row (an attempt that was never ours
 * to record, after a lost lease) simply matches nothing, and an attempt already stopped keeps
 * its first record (a replayed outcome, or a late report of an attempt recovery closed), which
 * its usage was counted from. The casts type the VALUES columns for PostgreSQL, as in
 * lib/jobs/insert-jobs.ts. The attempts' usage (lib/usage/record-usage.ts) is written in the
 * same transaction.
 */
async function recordEndedAttempts(tx: RawSql, outcomes: AttemptOutcome[]): Promise<void> {
  for (let i = 0; i < outcomes.length; i += ATTEMPTS_PER_STATEMENT) {
    const chunk = outcomes.slice(i, i + ATTEMPTS_PER_STATEMENT);
    // Before the stop is written: it tells the attempts ending now from those already ended.
    await recordUsage(tx, chunk);
    const values = chunk.map(
      (o) => Prisma.sql`(${o.attemptId}, ${o.stoppedAt}, ${o.exitCode}, ${o.reason}, ${o.statusReason})`,
    );
    await tx.$executeRaw`
      UPDATE "JobAttempt" SET "stoppedAt" = CAST(v.column2 AS BIGINT), "exitCode" = CAST(v.column3 AS INTEGER),
        "reason" = CAST(v.column4 AS TEXT), "statusReason" = CAST(v.column5 AS TEXT)
      FROM (VALUES ${Prisma.join(values)}) AS v
      WHERE "JobAttempt"."id" = CAST(v.column1 AS TEXT) AND "JobAttempt"."stoppedAt" IS NULL`;
  }
}

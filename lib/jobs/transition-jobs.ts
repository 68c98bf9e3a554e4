// The one way Job.status changes: by a named move of the state machine (lib/batch/states.ts).
// The guard is "status in the move's from", the write is its "to"; the caller adds the rest
// of the condition (ids, lease owner, organization) and the other columns. Each helper is one
// statement for any number of jobs, so the engine's and SubmitJob's batching stay as they were.
// New rows take their status from a submit move too (insert-jobs.ts, typed InitialStatus).
import { Prisma } from "@/generated/sqlite/client";
import { type JobStatus, TRANSITIONS, type TransitionName } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { type RawSql, rawSql } from "@/lib/db/direct";

/** Anything but the status, which the move decides. */
export type JobWhere = Omit<Prisma.JobWhereInput, "status">;
export type JobData = Omit<Prisma.JobUncheckedUpdateManyInput, "status">;

/**
 * The jobs a move may take, as a Prisma condition. A single state is compared with `=` rather
 * than `IN (…)`, as the hand-written guards did, so the statements the hot paths send are
 * unchanged.
 */
export function canMove(name: TransitionName): { status: JobStatus | { in: JobStatus[] } } {
  const from: readonly JobStatus[] = TRANSITIONS[name].from;
  return { status: from.length === 1 ? from[0]! : { in: [...from] } };
}

/** Moves every job matching `where` that the move may take; returns how many moved. */
export async function transitionJobs(
  db: DbOrTx,
  name: TransitionName,
  where: JobWhere,
  data: JobData = {},
): Promise<number> {
  const { count } = await db.job.updateMany({
    where: { ...where, ...canMove(name) },
    data: { ...data, status: TRANSITIONS[name].to },
  });
  return count;
}

/** As transitionJobs, returning the ids of the jobs that moved (UPDATE … RETURNING). */
export async function transitionJobsReturningIds(
  db: DbOrTx,
  name: TransitionName,
  where: JobWhere,
  data: JobData = {},
): Promise<string[]> {
  const rows = await db.job.updateManyAndReturn({
    where: { ...where, ...canMove(name) },
    data: { ...data, status: TRANSITIONS[name].to },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** canMove as SQL on the column `column` (`"status"` unless a query names its table). */
export function canMoveSql(name: TransitionName, column: Prisma.Sql = Prisma.raw('"status"')): Prisma.Sql {
  const from: readonly JobStatus[] = TRANSITIONS[name].from;
  return from.length === 1 ? Prisma.sql`${column} = ${from[0]}` : Prisma.sql`${column} IN (${Prisma.join([...from])})`;
}

/**
 * The raw form, for the hot paths (lib/db/direct.ts runs it without Prisma's client) and for
 * statements Prisma cannot build within SQLite's bound-parameter limit (thousands of ids in
 * one IN list): `UPDATE "Job" SET "status" = to, <set> WHERE (<where>) AND <canMove>
 * RETURNING "id"`. Returns the ids of the jobs that moved.
 */
export async function transitionJobsSql(
  db: RawSql,
  name: TransitionName,
  statement: { set: Prisma.Sql; where: Prisma.Sql },
): Promise<string[]> {
  const rows = await rawSql(db).$queryRaw<{ id: string }[]>`
    UPDATE "Job"
    SET "status" = ${TRANSITIONS[name].to}, ${statement.set}
    WHERE (${statement.where}) AND ${canMoveSql(name)}
    RETURNING "id"`;
  return rows.map((r) => r.id);
}

// The one way Job.status changes: by a named move of the state machine (lib/batch/states.ts).
// The guard is "status in the move's from", the write is its "to"; the caller adds the rest
// of the condition (ids, lease owner, organization) and the other columns. Each helper is one
// statement for any number of jobs, so the engine's and SubmitJob's batching stay as they were.
// New rows take their status from a submit move too (insert-jobs.ts, typed InitialStatus).
import { Prisma } from "@/generated/sqlite/client";
import { type JobStatus, TRANSITIONS, type TransitionName } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";

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

/**
 * The raw form, for statements Prisma cannot build within SQLite's bound-parameter limit
 * (thousands of ids in one IN list): `UPDATE "Job" SET "status" = to, <set> WHERE (<where>)
 * AND "status" IN (from) RETURNING "id"`. Returns the ids of the jobs that moved.
 */
export async function transitionJobsSql(
  db: DbOrTx,
  name: TransitionName,
  statement: { set: Prisma.Sql; where: Prisma.Sql },
): Promise<string[]> {
  const { from, to } = TRANSITIONS[name];
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Job"
    SET "status" = ${to}, ${statement.set}
    WHERE (${statement.where}) AND "status" IN (${Prisma.join([...from])})
    RETURNING "id"`;
  return rows.map((r) => r.id);
}

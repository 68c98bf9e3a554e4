// What follows from jobs reaching SUCCEEDED or FAILED, applied in the transaction that moved
// them there, so a dependent is never left waiting on a job that already finished.
//
//   dependency SUCCEEDED → dependent.pendingDependencies -= 1; at 0 the dependent is RUNNABLE
//                          (dependenciesSatisfied)
//   dependency FAILED    → dependent (still PENDING) FAILED "Dependent Job failed"
//                          (dependencyFailed; an array's children fail with it)
//   array child finished → when no child of the parent is left unfinished, the parent becomes
//                          SUCCEEDED (arrayChildrenSucceeded) or FAILED "Array Child Job failed"
//                          (arrayChildFailed).
//
// Array parents settle once every child is terminal rather than at the first failed child:
// AWS fails the parent "when a child fails", but settling early would release (or fail) the
// parent's own dependents while siblings are still running, and the parent's stoppedAt would
// not cover the work it stands for. The outcome is the same; only the moment differs.
//
// Every newly finished job (a failed dependent, a settled parent) is fed back in, so chains of
// any length resolve in one call. Each round costs a handful of statements whatever the
// number of jobs, chunked to stay under the databases' bound-parameter limits.
import { Prisma } from "@/generated/sqlite/client";
import { ACTIVE_STATUSES, JobStatus, STATUS_REASONS, type TerminalStatus, TRANSITIONS } from "@/lib/batch/states";
import type { RawSql } from "@/lib/db/direct";
import { canMoveSql, transitionJobsSql } from "./transition-jobs";

export type FinishedJob = { id: string; status: TerminalStatus };

/** Ids per IN list, under SQLite's bound-parameter limit as Prisma counts it (999). */
const CHUNK = 900;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const inList = (ids: readonly string[]) => Prisma.join([...ids]);

/**
 * Raw statements only, so it runs in a Prisma transaction or a direct one (lib/db/direct.ts):
 * the engine calls it for every flush of ended attempts.
 */
export async function afterJobsFinished(tx: RawSql, finished: FinishedJob[], now: number): Promise<void> {
  let round = dedupe(finished);
  while (round.length > 0) {
    const next: FinishedJob[] = [];
    const succeeded = round.filter((j) => j.status === JobStatus.SUCCEEDED).map((j) => j.id);
    const failed = round.filter((j) => j.status === JobStatus.FAILED).map((j) => j.id);
    next.push(...(await failDependents(tx, failed, now)));
    await releaseDependents(tx, succeeded, now);
    next.push(...(await settleArrayParents(tx, round, now)));
    round = dedupe(next);
  }
}

function dedupe(jobs: FinishedJob[]): FinishedJob[] {
  return [...new Map(jobs.map((j) => [j.id, j])).values()];
}

async function releaseDependents(tx: RawSql, succeededIds: string[], now: number): Promise<void> {
  for (const ids of chunks(succeededIds)) {
    const edges = await tx.$queryRaw<{ jobId: string }[]>`
      SELECT "jobId" FROM "JobDependency" WHERE "dependsOnJobId" IN (${inList(ids)})`;
    if (edges.length === 0) continue;
    // A dependent may wait on several of these jobs: group by how much to subtract, so the
    // common case is one UPDATE for every dependent.
    const perJob = new Map<string, number>();
    for (const e of edges) perJob.set(e.jobId, (perJob.get(e.jobId) ?? 0) + 1);
    const byAmount = new Map<number, string[]>();
    for (const [id, n] of perJob) {
      const list = byAmount.get(n);
      if (list) list.push(id);
      else byAmount.set(n, [id]);
    }
    for (const [amount, jobIds] of byAmount) {
      for (const part of chunks(jobIds)) {
        // Only jobs still waiting count down: the jobs the release below may move.
        await tx.$executeRaw`
          UPDATE "Job" SET "pendingDependencies" = "pendingDependencies" - ${amount}, "updatedAt" = ${now}
          WHERE "id" IN (${inList(part)}) AND ${canMoveSql("dependenciesSatisfied")}`;
      }
    }
    const dependentIds = [...perJob.keys()];
    for (const part of chunks(dependentIds)) {
      await transitionJobsSql(tx, "dependenciesSatisfied", {
        set: Prisma.sql`"runnableAt" = ${now}, "updatedAt" = ${now}`,
        where: Prisma.sql`"id" IN (${inList(part)}) AND "pendingDependencies" <= 0 AND "arraySize" IS NULL`,
      });
      await releaseArrayChildren(tx, part, now);
    }
  }
}

// An array parent whose own dependencies are met stays PENDING (it never runs), but children
// that were only waiting for it — PENDING with nothing of their own outstanding — may start.
// Children with their own edges (SEQUENTIAL, N_TO_N) are released by those edges instead.
async function releaseArrayChildren(tx: RawSql, candidateIds: string[], now: number): Promise<void> {
  const parents = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Job"
    WHERE "id" IN (${inList(candidateIds)}) AND "status" = ${JobStatus.PENDING} AND "pendingDependencies" <= 0
      AND "arraySize" IS NOT NULL`;
  if (parents.length === 0) return;
  await transitionJobsSql(tx, "dependenciesSatisfied", {
    set: Prisma.sql`"runnableAt" = ${now}, "updatedAt" = ${now}`,
    where: Prisma.sql`"arrayParentId" IN (${inList(parents.map((p) => p.id))}) AND "pendingDependencies" <= 0`,
  });
}

async function failDependents(tx: RawSql, failedIds: string[], now: number): Promise<FinishedJob[]> {
  const out: FinishedJob[] = [];
  const failed = (ids: string[]) =>
    transitionJobsSql(tx, "dependencyFailed", {
      set: Prisma.sql`"statusReason" = ${STATUS_REASONS.dependentJobFailed}, "stoppedAt" = ${now}, "updatedAt" = ${now}`,
      where: Prisma.sql`"id" IN (${inList(ids)})`,
    });
  const status = TRANSITIONS.dependencyFailed.to;
  for (const ids of chunks(failedIds)) {
    const dependents = await tx.$queryRaw<{ id: string; arraySize: number | bigint | null }[]>`
      SELECT j."id", j."arraySize" FROM "Job" j
      WHERE ${canMoveSql("dependencyFailed", Prisma.raw('j."status"'))}
        AND EXISTS (SELECT 1 FROM "JobDependency" d WHERE d."jobId" = j."id" AND d."dependsOnJobId" IN (${inList(ids)}))`;
    if (dependents.length === 0) continue;
    const dependentIds = dependents.map((d) => d.id);
    for (const part of chunks(dependentIds)) await failed(part);
    out.push(...dependentIds.map((id) => ({ id, status })));
    // The children of an array that can no longer run fail with it: they wait on their parent,
    // so they are still PENDING (a parent with a dependency outstanding never released them).
    const arrayIds = dependents.filter((d) => d.arraySize !== null).map((d) => d.id);
    for (const part of chunks(arrayIds)) {
      const children = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Job" WHERE "arrayParentId" IN (${inList(part)}) AND ${canMoveSql("dependencyFailed")}`;
      if (children.length === 0) continue;
      for (const some of chunks(children.map((c) => c.id))) await failed(some);
      out.push(...children.map((c) => ({ id: c.id, status })));
    }
  }
  return out;
}

async function settleArrayParents(tx: RawSql, round: FinishedJob[], now: number): Promise<FinishedJob[]> {
  const out: FinishedJob[] = [];
  for (const ids of chunks(round.map((j) => j.id))) {
    const children = await tx.$queryRaw<{ arrayParentId: string }[]>`
      SELECT "arrayParentId" FROM "Job" WHERE "id" IN (${inList(ids)}) AND "arrayParentId" IS NOT NULL`;
    const parentIds = [...new Set(children.map((c) => c.arrayParentId))].sort();
    if (parentIds.length === 0) continue;
    // Touching the parents first takes their row locks, so two transactions finishing the last
    // two children at once are serialized and the second sees the first's child as finished
    // (otherwise each could see the other's child still running and neither would settle).
    await tx.$executeRaw`
      UPDATE "Job" SET "updatedAt" = ${now} WHERE "id" IN (${inList(parentIds)}) AND "status" = ${JobStatus.PENDING}`;
    for (const parentId of parentIds) {
      const [unfinished] = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Job"
        WHERE "arrayParentId" = ${parentId} AND "status" IN (${Prisma.join([...ACTIVE_STATUSES])}) LIMIT 1`;
      if (unfinished) continue;
      const [failedChild] = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Job" WHERE "arrayParentId" = ${parentId} AND "status" = ${JobStatus.FAILED} LIMIT 1`;
      const move = failedChild ? "arrayChildFailed" : "arrayChildrenSucceeded";
      const moved = await transitionJobsSql(tx, move, {
        set: Prisma.sql`"statusReason" = ${failedChild ? STATUS_REASONS.arrayChildFailed : null}, "stoppedAt" = ${now}, "updatedAt" = ${now}`,
        where: Prisma.sql`"id" = ${parentId}`,
      });
      if (moved.length === 1) out.push({ id: parentId, status: TRANSITIONS[move].to });
    }
  }
  return out;
}

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
import { ACTIVE_STATUSES, JobStatus, STATUS_REASONS, type TerminalStatus, TRANSITIONS } from "@/lib/batch/states";
import type { Tx } from "@/lib/db";
import { canMove, transitionJobs } from "./transition-jobs";

export type FinishedJob = { id: string; status: TerminalStatus };

/** Ids per IN list: Prisma refuses queries over 999 bound parameters on SQLite (P2029). */
const CHUNK = 900;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function afterJobsFinished(tx: Tx, finished: FinishedJob[], now: number): Promise<void> {
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

async function releaseDependents(tx: Tx, succeededIds: string[], now: number): Promise<void> {
  for (const ids of chunks(succeededIds)) {
    const edges = await tx.jobDependency.findMany({
      where: { dependsOnJobId: { in: ids } },
      select: { jobId: true },
    });
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
        await tx.job.updateMany({
          where: { id: { in: part }, ...canMove("dependenciesSatisfied") },
          data: { pendingDependencies: { decrement: amount }, updatedAt: now },
        });
      }
    }
    const dependentIds = [...perJob.keys()];
    for (const part of chunks(dependentIds)) {
      await transitionJobs(
        tx,
        "dependenciesSatisfied",
        { id: { in: part }, pendingDependencies: { lte: 0 }, arraySize: null },
        { runnableAt: now, updatedAt: now },
      );
      await releaseArrayChildren(tx, part, now);
    }
  }
}

// An array parent whose own dependencies are met stays PENDING (it never runs), but children
// that were only waiting for it — PENDING with nothing of their own outstanding — may start.
// Children with their own edges (SEQUENTIAL, N_TO_N) are released by those edges instead.
async function releaseArrayChildren(tx: Tx, candidateIds: string[], now: number): Promise<void> {
  const parents = await tx.job.findMany({
    where: {
      id: { in: candidateIds },
      status: JobStatus.PENDING,
      pendingDependencies: { lte: 0 },
      arraySize: { not: null },
    },
    select: { id: true },
  });
  if (parents.length === 0) return;
  await transitionJobs(
    tx,
    "dependenciesSatisfied",
    { arrayParentId: { in: parents.map((p) => p.id) }, pendingDependencies: { lte: 0 } },
    { runnableAt: now, updatedAt: now },
  );
}

async function failDependents(tx: Tx, failedIds: string[], now: number): Promise<FinishedJob[]> {
  const out: FinishedJob[] = [];
  for (const ids of chunks(failedIds)) {
    const dependents = await tx.job.findMany({
      where: { ...canMove("dependencyFailed"), dependsOn: { some: { dependsOnJobId: { in: ids } } } },
      select: { id: true, arraySize: true },
    });
    if (dependents.length === 0) continue;
    const dependentIds = dependents.map((d) => d.id);
    const failed = { statusReason: STATUS_REASONS.dependentJobFailed, stoppedAt: now, updatedAt: now };
    const status = TRANSITIONS.dependencyFailed.to;
    for (const part of chunks(dependentIds)) {
      await transitionJobs(tx, "dependencyFailed", { id: { in: part } }, failed);
    }
    out.push(...dependentIds.map((id) => ({ id, status })));
    // The children of an array that can no longer run fail with it: they wait on their parent,
    // so they are still PENDING (a parent with a dependency outstanding never released them).
    const arrayIds = dependents.filter((d) => d.arraySize !== null).map((d) => d.id);
    for (const part of chunks(arrayIds)) {
      const children = await tx.job.findMany({
        where: { arrayParentId: { in: part }, ...canMove("dependencyFailed") },
        select: { id: true },
      });
      if (children.length === 0) continue;
      await transitionJobs(tx, "dependencyFailed", { id: { in: children.map((c) => c.id) } }, failed);
      out.push(...children.map((c) => ({ id: c.id, status })));
    }
  }
  return out;
}

async function settleArrayParents(tx: Tx, round: FinishedJob[], now: number): Promise<FinishedJob[]> {
  const out: FinishedJob[] = [];
  for (const ids of chunks(round.map((j) => j.id))) {
    const children = await tx.job.findMany({
      where: { id: { in: ids }, arrayParentId: { not: null } },
      select: { arrayParentId: true },
    });
    const parentIds = [...new Set(children.map((c) => c.arrayParentId as string))].sort();
    if (parentIds.length === 0) continue;
    // Touching the parents first takes their row locks, so two transactions finishing the last
    // two children at once are serialized and the second sees the first's child as finished
    // (otherwise each could see the other's child still running and neither would settle).
    await tx.job.updateMany({ where: { id: { in: parentIds }, status: JobStatus.PENDING }, data: { updatedAt: now } });
    for (const parentId of parentIds) {
      const unfinished = await tx.job.findFirst({
        where: { arrayParentId: parentId, status: { in: [...ACTIVE_STATUSES] } },
        select: { id: true },
      });
      if (unfinished) continue;
      const failedChild = await tx.job.findFirst({
        where: { arrayParentId: parentId, status: JobStatus.FAILED },
        select: { id: true },
      });
      const move = failedChild ? "arrayChildFailed" : "arrayChildrenSucceeded";
      const moved = await transitionJobs(
        tx,
        move,
        { id: parentId },
        { statusReason: failedChild ? STATUS_REASONS.arrayChildFailed : null, stoppedAt: now, updatedAt: now },
      );
      if (moved === 1) out.push({ id: parentId, status: TRANSITIONS[move].to });
    }
  }
  return out;
}

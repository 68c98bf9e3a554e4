// Turns SubmitJob's dependsOn into JobDependency edges and per-job counts of what is still
// outstanding, following AWS Batch and the release rules of lib/jobs/finish.ts:
//
//   plain dependency (or a whole array)  → an edge from the job (for an array: its parent row);
//                                          the parent's children wait for the parent to be released
//   N_TO_N on two arrays of equal size   → child i → dependency child i (no parent edge: one
//                                          failed child fails only its partner, not the array)
//   SEQUENTIAL without jobId (arrays)    → child i → child i-1
//
// "Child i" is by position in index order: an array submitted again with only its failed
// children keeps their indexes (`childIndexes`, e.g. 1 and 4 of a former 6), so its N_TO_N
// partners and SEQUENTIAL predecessors are the neighbours in that order.
//
// When an array has per-child edges as well as parent-level ones, the parent-level edges are
// repeated on every child: a child released by its own edges must still wait for them.
//
// Dependencies already SUCCEEDED count as satisfied; one already FAILED fails the job at once.
import { Prisma } from "@/generated/sqlite/client";
import type { DependsOn } from "@/lib/batch/shapes/jobs";
import { JobStatus } from "@/lib/batch/states";
import { type RawSql, requirePrisma } from "@/lib/db/direct";
import { AppError, invalid } from "@/lib/errors";
import type { DependencyInsert } from "./insert-jobs";

type DepState = "done" | "pending" | "failed";

const stateOf = (status: string): DepState =>
  status === JobStatus.SUCCEEDED ? "done" : status === JobStatus.FAILED ? "failed" : "pending";

export interface JobDeps {
  pending: number;
  failed: boolean;
}

export interface DependencyPlan {
  edges: DependencyInsert[];
  /** The job itself, or an array's parent row. */
  parent: JobDeps;
  /** Per child position (index order), for array jobs. */
  children: JobDeps[];
}

interface Edge {
  dependsOnJobId: string;
  type: string | null;
  state: DepState;
}

/** `tx` must be a Prisma transaction when `dependsOn` names any job (a direct one otherwise suffices). */
export async function planDependencies(
  rawTx: RawSql,
  opts: {
    organizationId: string;
    jobId: string;
    arraySize: number | null;
    dependsOn: DependsOn[];
    lock: boolean;
    /** The children's indexes in order, when not 0…arraySize-1. */
    childIndexes?: number[];
  },
): Promise<DependencyPlan> {
  const { organizationId, jobId, arraySize } = opts;
  const childId = (position: number) => `${jobId}:${opts.childIndexes?.[position] ?? position}`;
  if (opts.dependsOn.length === 0)
    return {
      edges: [],
      parent: { pending: 0, failed: false },
      children: arraySize === null ? [] : Array.from({ length: arraySize }, () => ({ pending: 0, failed: false })),
    };
  const tx = requirePrisma(rawTx);
  let sequential = false;
  const byId = new Map<string, string | null>();
  for (const d of opts.dependsOn) {
    if (d.jobId === undefined) {
      if (d.type !== "SEQUENTIAL") {
        throw invalid("dependsOn: jobId is required (only a SEQUENTIAL dependency of an array job may omit it).");
      }
      if (arraySize === null) {
        throw invalid("dependsOn: a SEQUENTIAL dependency without a jobId applies only to array jobs.");
      }
      sequential = true;
      continue;
    }
    // The same job named twice is one edge; N_TO_N wins because it is the stricter reading.
    const type = d.type ?? null;
    if (!byId.has(d.jobId) || type === "N_TO_N") byId.set(d.jobId, type);
  }

  const ids = [...byId.keys()];
  const found = ids.length
    ? await tx.job.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true, arraySize: true } })
    : [];
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) {
    throw new AppError("NOT_FOUND", `dependsOn: job ${missing.join(", ")} does not exist.`);
  }

  const nToN = found.filter((f) => arraySize !== null && f.arraySize !== null && byId.get(f.id) === "N_TO_N");
  for (const dep of nToN) {
    if (dep.arraySize !== arraySize) {
      throw invalid(
        `dependsOn: N_TO_N dependency ${dep.id} is an array of size ${dep.arraySize}; this job's array size is ${arraySize}. N_TO_N needs arrays of the same size.`,
      );
    }
  }
  const nToNIds = new Set(nToN.map((d) => d.id));

  // Row locks, children before parents as the engine takes them when it settles an array, so a
  // dependency cannot finish between our read of its status and the commit of our edges (the
  // engine would look for dependents before ours exist and never release them).
  if (opts.lock && nToNIds.size > 0) {
    await tx.$executeRaw`UPDATE "Job" SET "updatedAt" = "updatedAt" WHERE "organizationId" = ${organizationId} AND "arrayParentId" IN (${Prisma.join([...nToNIds])})`;
  }
  if (opts.lock && ids.length > 0) {
    await tx.$executeRaw`UPDATE "Job" SET "updatedAt" = "updatedAt" WHERE "organizationId" = ${organizationId} AND "id" IN (${Prisma.join(ids)})`;
  }
  const statuses = ids.length
    ? await tx.job.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true, status: true } })
    : [];
  const statusOf = new Map(statuses.map((s) => [s.id, s.status]));

  const parentEdges: Edge[] = ids
    .filter((id) => !nToNIds.has(id))
    .map((id) => ({ dependsOnJobId: id, type: byId.get(id) ?? null, state: stateOf(statusOf.get(id) ?? "") }));
  const parent = summarize(parentEdges);
  const edges: DependencyInsert[] = parentEdges.map((e) => ({ jobId, dependsOnJobId: e.dependsOnJobId, type: e.type }));
  if (arraySize === null) return { edges, parent, children: [] };

  const childEdges: Edge[][] = Array.from({ length: arraySize }, () => []);
  for (const depId of nToNIds) {
    // In index order: child i's partner is the dependency's i-th child (its index i, unless the
    // dependency is an array of failed children submitted again).
    const depChildren = await tx.job.findMany({
      where: { organizationId, arrayParentId: depId },
      select: { id: true, status: true },
      orderBy: { arrayIndex: "asc" },
    });
    for (let i = 0; i < arraySize; i++) {
      const partner = depChildren[i];
      childEdges[i]?.push({
        dependsOnJobId: partner?.id ?? `${depId}:${i}`,
        type: "N_TO_N",
        state: partner ? stateOf(partner.status) : "pending",
      });
    }
  }
  if (nToNIds.size > 0 && parentEdges.length > 0) {
    for (const list of childEdges) list.push(...parentEdges);
  }
  if (sequential) {
    for (let i = 1; i < arraySize; i++) {
      childEdges[i]?.push({ dependsOnJobId: childId(i - 1), type: "SEQUENTIAL", state: "pending" });
    }
  }

  const children = childEdges.map((list, i) => {
    const seen = new Set<string>();
    const unique = list.filter((e) => !seen.has(e.dependsOnJobId) && seen.add(e.dependsOnJobId));
    for (const e of unique) edges.push({ jobId: childId(i), dependsOnJobId: e.dependsOnJobId, type: e.type });
    return summarize(unique);
  });
  return { edges, parent, children };
}

function summarize(edges: Edge[]): JobDeps {
  return {
    pending: edges.filter((e) => e.state !== "done").length,
    failed: edges.some((e) => e.state === "failed"),
  };
}

// Multi-row inserts for submission: an array job of 10,000 children must be accepted in well
// under a second, which one Prisma create per child (~450/s on SQLite) cannot do. Rows go in
// as raw `INSERT … VALUES (…), (…)` in chunks that keep the bound parameters under SQLite's
// 32,766 and PostgreSQL's 65,535 limits.
import { Prisma } from "@/generated/sqlite/client";
import type { InitialStatus } from "@/lib/batch/states";
import type { RawSql } from "@/lib/db/direct";

/** What every row of one submission shares. */
export interface JobCommon {
  organizationId: string;
  name: string;
  jobQueueId: string;
  jobDefinitionId: string;
  createdAt: number;
  schedulingPriority: number;
  shareIdentifier: string | null;
  attemptsAllowed: number;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  container: string;
  parameters: string;
  retryStrategy: string | null;
  timeoutSeconds: number | null;
  tags: string;
  propagateTags: boolean;
  submittedById: string | null;
  /** consumableResourceList as resolved (JSON; "[]" for none). */
  consumableResources: string;
}

/** What differs per row: identity, place in an array, and where the job starts. */
export interface JobRowInsert {
  id: string;
  /** The `to` of a submit move of the state machine: no row is inserted in any other state. */
  status: InitialStatus;
  statusReason: string | null;
  runnableAt: number | null;
  stoppedAt: number | null;
  arrayParentId: string | null;
  arrayIndex: number | null;
  arraySize: number | null;
  pendingDependencies: number;
}

export interface DependencyInsert {
  jobId: string;
  dependsOnJobId: string;
  type: string | null;
}

// Per-row values travel as a VALUES list; what all rows share (the container JSON above all,
// identical for 10,000 children) is bound once per statement in the SELECT. VALUES columns are
// named column1…columnN on both databases; the casts give PostgreSQL the types it cannot infer
// from untyped parameters inside a VALUES list.
const PER_ROW = 9;

/** The columns both inserts write, per-row ones first, in the order their values are bound. */
const COLUMNS = Prisma.raw(
  [
    "id",
    "status",
    "statusReason",
    "runnableAt",
    "stoppedAt",
    "arrayParentId",
    "arrayIndex",
    "arraySize",
    "pendingDependencies",
    "organizationId",
    "name",
    "jobQueueId",
    "jobDefinitionId",
    "createdAt",
    "updatedAt",
    "schedulingPriority",
    "shareIdentifier",
    "attemptsAllowed",
    "vcpus",
    "memoryMiB",
    "gpus",
    "container",
    "parameters",
    "retryStrategy",
    "timeoutSeconds",
    "tags",
    "propagateTags",
    "submittedById",
    "consumableResources",
  ]
    .map((c) => `"${c}"`)
    .join(", "),
);

/** Bound parameters per statement: below both databases' limits with room to spare. */
const MAX_PARAMS = 30_000;

export async function insertJobs(tx: RawSql, common: JobCommon, rows: JobRowInsert[]): Promise<void> {
  const perChunk = Math.floor(MAX_PARAMS / PER_ROW);
  for (let i = 0; i < rows.length; i += perChunk) {
    const values = rows
      .slice(i, i + perChunk)
      .map(
        (r) =>
          Prisma.sql`(${r.id}, ${r.status}, ${r.statusReason}, ${r.runnableAt}, ${r.stoppedAt}, ${r.arrayParentId}, ${r.arrayIndex}, ${r.arraySize}, ${r.pendingDependencies})`,
      );
    await tx.$executeRaw`
      INSERT INTO "Job" (${COLUMNS})
      SELECT CAST(v.column1 AS TEXT), CAST(v.column2 AS TEXT), CAST(v.column3 AS TEXT), CAST(v.column4 AS BIGINT),
        CAST(v.column5 AS BIGINT), CAST(v.column6 AS TEXT), CAST(v.column7 AS INTEGER), CAST(v.column8 AS INTEGER),
        CAST(v.column9 AS INTEGER), ${common.organizationId}, ${common.name}, ${common.jobQueueId},
        ${common.jobDefinitionId}, ${common.createdAt}, ${common.createdAt}, ${common.schedulingPriority},
        ${common.shareIdentifier}, ${common.attemptsAllowed}, ${common.vcpus}, ${common.memoryMiB}, ${common.gpus},
        ${common.container}, ${common.parameters}, ${common.retryStrategy}, ${common.timeoutSeconds}, ${common.tags},
        ${common.propagateTags}, ${common.submittedById}, ${common.consumableResources}
      FROM (VALUES ${Prisma.join(values)}) AS v`;
  }
}

/**
 * Single jobs of different submissions in one statement (group commit): every column bound
 * per row. Directly in INSERT … VALUES, PostgreSQL types each value from its target column.
 */
export async function insertJobRows(tx: RawSql, jobs: { common: JobCommon; row: JobRowInsert }[]): Promise<void> {
  const perChunk = Math.floor(MAX_PARAMS / 29);
  for (let i = 0; i < jobs.length; i += perChunk) {
    const values = jobs
      .slice(i, i + perChunk)
      .map(
        ({ common: c, row: r }) =>
          Prisma.sql`(${r.id}, ${r.status}, ${r.statusReason}, ${r.runnableAt}, ${r.stoppedAt}, ${r.arrayParentId}, ${r.arrayIndex}, ${r.arraySize}, ${r.pendingDependencies}, ${c.organizationId}, ${c.name}, ${c.jobQueueId}, ${c.jobDefinitionId}, ${c.createdAt}, ${c.createdAt}, ${c.schedulingPriority}, ${c.shareIdentifier}, ${c.attemptsAllowed}, ${c.vcpus}, ${c.memoryMiB}, ${c.gpus}, ${c.container}, ${c.parameters}, ${c.retryStrategy}, ${c.timeoutSeconds}, ${c.tags}, ${c.propagateTags}, ${c.submittedById}, ${c.consumableResources})`,
      );
    await tx.$executeRaw`
      INSERT INTO "Job" (${COLUMNS}) VALUES ${Prisma.join(values)}`;
  }
}

export async function insertDependencies(tx: RawSql, edges: DependencyInsert[]): Promise<void> {
  const perChunk = Math.floor(MAX_PARAMS / 3);
  for (let i = 0; i < edges.length; i += perChunk) {
    const values = edges.slice(i, i + perChunk).map((e) => Prisma.sql`(${e.jobId}, ${e.dependsOnJobId}, ${e.type})`);
    await tx.$executeRaw`INSERT INTO "JobDependency" ("jobId", "dependsOnJobId", "type") VALUES ${Prisma.join(values)}`;
  }
}

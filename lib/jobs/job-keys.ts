// The job lists' keyset paging (ListJobs and the console's list): a query's WHERE clause and one
// page of keys in list order, with opaque cursors for the pages after and before it. Every
// order pages on an index range: submission time on (createdAt, id), name on
// (name, createdAt, id), array children on their index. Pages never repeat or skip a job while
// others are submitted in between.
import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import { isJobStatus, type JobStatus } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { invalid } from "@/lib/errors";
import { decodeToken, encodeToken } from "@/lib/resources/pagination";
import type { JobSort } from "./console-filter";

export interface JobQuery {
  organizationId: string;
  jobQueueId?: string;
  arrayJobId?: string;
  /** One job by its id (an array child's `<parent>:<index>` too). */
  jobId?: string;
  statuses?: JobStatus[];
  /** Exact name, or a prefix when it ends with `*`; case-insensitive as AWS matches it. */
  name?: string;
  /** A second name prefix (the console's search box), case-insensitive. */
  namePrefix?: string;
  jobDefinitionIds?: string[];
  createdAfter?: number;
  createdBefore?: number;
  shareIdentifier?: string;
  /** Only the jobs this user submitted. */
  submittedById?: string;
  topLevelOnly?: boolean;
  /** Newest first unless given; ignored for array children (index order). */
  sort?: JobSort;
  cursor?: string;
  /** Page towards the start of the order from this cursor ("previous" in the console). */
  before?: string;
  limit: number;
}

const keyCursor = z.object({ c: z.number().int(), i: z.string(), n: z.string().optional() });
const indexCursor = z.object({ x: z.number().int() });

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE clause of a job query, organization first, as every query here carries it. */
export function whereOf(q: Omit<JobQuery, "cursor" | "limit">): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`"organizationId" = ${q.organizationId}`];
  if (q.jobId !== undefined) where.push(Prisma.sql`"id" = ${q.jobId}`);
  if (q.jobQueueId !== undefined) where.push(Prisma.sql`"jobQueueId" = ${q.jobQueueId}`);
  if (q.arrayJobId !== undefined) where.push(Prisma.sql`"arrayParentId" = ${q.arrayJobId}`);
  if (q.topLevelOnly) where.push(Prisma.sql`"arrayParentId" IS NULL`);
  if (q.statuses?.length) {
    if (!q.statuses.every(isJobStatus)) throw invalid("Unknown job status.");
    where.push(Prisma.sql`"status" IN (${Prisma.join(q.statuses)})`);
  }
  if (q.name !== undefined && q.name !== "") {
    if (q.name.endsWith("*")) {
      const prefix = likeEscape(q.name.slice(0, -1).toLowerCase());
      where.push(Prisma.sql`LOWER("name") LIKE ${`${prefix}%`} ESCAPE '\\'`);
    } else {
      where.push(Prisma.sql`LOWER("name") = ${q.name.toLowerCase()}`);
    }
  }
  if (q.namePrefix) {
    where.push(Prisma.sql`LOWER("name") LIKE ${`${likeEscape(q.namePrefix.toLowerCase())}%`} ESCAPE '\\'`);
  }
  if (q.jobDefinitionIds) where.push(Prisma.sql`"jobDefinitionId" IN (${Prisma.join(q.jobDefinitionIds)})`);
  if (q.createdAfter !== undefined) where.push(Prisma.sql`"createdAt" > ${q.createdAfter}`);
  if (q.createdBefore !== undefined) where.push(Prisma.sql`"createdAt" < ${q.createdBefore}`);
  if (q.shareIdentifier !== undefined) where.push(Prisma.sql`"shareIdentifier" = ${q.shareIdentifier}`);
  if (q.submittedById !== undefined) where.push(Prisma.sql`"submittedById" = ${q.submittedById}`);
  return where;
}

export type JobKey = { id: string; createdAt: bigint | number; arrayIndex: number | null; name: string };

/**
 * One page of keys in list order, with the cursors of the pages after and before it. Paging
 * back (`before`) reads the same index the other way and reverses.
 */
export async function pageKeys(db: DbOrTx, q: JobQuery): Promise<{ keys: JobKey[]; next?: string; prev?: string }> {
  const where = whereOf(q);
  const byIndex = q.arrayJobId !== undefined;
  const byName = !byIndex && (q.sort === "name" || q.sort === "name-desc");
  const descending = q.sort === undefined || q.sort === "newest" || q.sort === "name-desc";
  const backwards = !byIndex && q.before !== undefined;
  // Reading towards the end of the order goes the order's way; paging back goes the other.
  const readDescending = backwards ? !descending : descending;
  const columns = byName ? Prisma.sql`("name", "createdAt", "id")` : Prisma.sql`("createdAt", "id")`;
  const values = (token: string) => {
    const { c, i, n } = decodeToken(token, keyCursor);
    if (!byName) return Prisma.sql`(${c}, ${i})`;
    if (n === undefined) throw invalid("This page link belongs to another order of the list.");
    return Prisma.sql`(${n}, ${c}, ${i})`;
  };
  if (backwards || (q.cursor !== undefined && !byIndex)) {
    const position = values((backwards ? q.before : q.cursor) as string);
    where.push(readDescending ? Prisma.sql`${columns} < ${position}` : Prisma.sql`${columns} > ${position}`);
  } else if (q.cursor !== undefined) {
    where.push(Prisma.sql`"arrayIndex" > ${decodeToken(q.cursor, indexCursor).x}`);
  }
  const dir = Prisma.raw(readDescending ? "DESC" : "ASC");
  const order = byIndex
    ? Prisma.sql`"arrayIndex" ASC`
    : byName
      ? Prisma.sql`"name" ${dir}, "createdAt" ${dir}, "id" ${dir}`
      : Prisma.sql`"createdAt" ${dir}, "id" ${dir}`;
  const rows = await db.$queryRaw<JobKey[]>`
    SELECT "id", "createdAt", "arrayIndex", "name" FROM "Job" WHERE ${Prisma.join(where, " AND ")} ORDER BY ${order} LIMIT ${q.limit + 1}`;
  const more = rows.length > q.limit;
  const keys = rows.slice(0, q.limit);
  if (backwards) keys.reverse();
  const first = keys[0];
  const last = keys.at(-1);
  const token = (k: JobKey) =>
    encodeToken(byName ? { c: Number(k.createdAt), i: k.id, n: k.name } : { c: Number(k.createdAt), i: k.id });
  if (byIndex) {
    return more && last ? { keys, next: encodeToken({ x: Number(last.arrayIndex ?? 0) }) } : { keys };
  }
  // Going forward there is an earlier page whenever a cursor was given; going back, a later one
  // always (the page the caller came from), and an earlier one when more rows were read.
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : q.cursor !== undefined;
  return {
    keys,
    ...(hasNext && last ? { next: token(last) } : {}),
    ...(hasPrev && first ? { prev: token(first) } : {}),
  };
}

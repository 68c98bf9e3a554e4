// ListJobs (AWS) and the console's cross-queue job list. Both page with an opaque keyset cursor
// on (createdAt, id), newest first, so a page costs an index range scan on the existing Job
// indexes whatever the table size, and pages never repeat or skip a job while others are
// submitted in between. Array children are paged by index instead.
//
// The page's ids come from one raw query (case-insensitive name matching is spelled the same
// way on SQLite and PostgreSQL only in SQL); the rows are then read through Prisma.

import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import { looksLikeArn, parseArn } from "@/lib/batch/arn";
import {
  DEFAULT_LIST_RESULTS,
  type JobSummary,
  type ListJobsInput,
  MAX_FILTERED_LIST_RESULTS,
  toJobSummary,
} from "@/lib/batch/shapes/jobs";
import { isJobStatus, JobStatus } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { literalPrefix } from "@/lib/db/literal-prefix";
import { invalid } from "@/lib/errors";
import { accountIdOf } from "@/lib/resources/account";
import { resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
import { decodeToken, encodeToken } from "@/lib/resources/pagination";

export { listJobsInput } from "@/lib/batch/shapes/jobs";

interface JobQuery {
  organizationId: string;
  jobQueueId?: string;
  arrayJobId?: string;
  statuses?: JobStatus[];
  /** Exact name, or a prefix when it ends with `*`; case-insensitive as AWS matches it. */
  name?: string;
  jobDefinitionIds?: string[];
  createdAfter?: number;
  createdBefore?: number;
  shareIdentifier?: string;
  topLevelOnly?: boolean;
  cursor?: string;
  /** Page towards newer jobs from this cursor ("previous" in the console). */
  before?: string;
  limit: number;
}

const createdCursor = z.object({ c: z.number().int(), i: z.string() });
const indexCursor = z.object({ x: z.number().int() });

export async function listJobs(
  ctx: OrgContext,
  input: ListJobsInput,
): Promise<{ jobSummaryList: JobSummary[]; nextToken?: string }> {
  // Multi-node parallel jobs do not exist on the built-in backend, so no MNP parent has nodes.
  if (input.multiNodeJobId !== undefined) return { jobSummaryList: [] };
  const filters = new Map((input.filters ?? []).map((f) => [f.name, f.values[0] ?? ""]));
  // AWS ignores jobStatus once filters are given, except SHARE_IDENTIFIER which combines with it.
  const filtered = [...filters.keys()].some((n) => n !== "SHARE_IDENTIFIER");
  const query: JobQuery = {
    organizationId: ctx.organizationId,
    // AWS: without a jobStatus, ListJobs lists RUNNING jobs.
    statuses: filtered ? undefined : [input.jobStatus ?? JobStatus.RUNNING],
    name: filters.get("JOB_NAME"),
    createdAfter: numberFilter(filters.get("AFTER_CREATED_AT")),
    createdBefore: numberFilter(filters.get("BEFORE_CREATED_AT")),
    shareIdentifier: filters.get("SHARE_IDENTIFIER"),
    // AWS: filters do not apply to array children.
    topLevelOnly: filtered,
    cursor: input.nextToken,
    limit: Math.min(input.maxResults ?? DEFAULT_LIST_RESULTS, filtered ? MAX_FILTERED_LIST_RESULTS : Infinity),
  };
  const definition = filters.get("JOB_DEFINITION");
  if (definition !== undefined) {
    query.jobDefinitionIds = await definitionIds(ctx.db, ctx.organizationId, definition);
    if (query.jobDefinitionIds.length === 0) return { jobSummaryList: [] };
  }
  if (input.jobQueue !== undefined) {
    query.jobQueueId = (await resolveJobQueue(ctx.db, ctx.organizationId, input.jobQueue)).id;
  } else if (input.arrayJobId !== undefined) {
    query.arrayJobId = input.arrayJobId;
    query.topLevelOnly = false;
  }
  const { jobs, next } = await pageJobs(ctx.db, query);
  const jobSummaryList = jobs.map(
    ({ jobQueue: _queue, arrayParentId: _parent, submittedByCaller: _mine, statusSummary: _summary, ...summary }) =>
      summary,
  );
  return next ? { jobSummaryList, nextToken: next } : { jobSummaryList };
}

export interface ConsoleJobListInput {
  /** Queue id, name or ARN; absent for every queue. */
  queue?: string;
  status?: JobStatus | "ALL";
  name?: string;
  /** Definition name (any revision, `*` prefix allowed), name:revision or ARN. */
  definition?: string;
  createdAfter?: number;
  createdBefore?: number;
  shareIdentifier?: string;
  /** Children of one array job, in index order. */
  arrayJobId?: string;
  cursor?: string;
  /** The page before this cursor (newer jobs), for "previous"; ignored with arrayJobId. */
  before?: string;
  limit: number;
}

export type ConsoleJob = JobSummary & {
  jobQueue: string;
  arrayParentId?: string;
  /** Array parents: how many children are in each status. */
  statusSummary?: Partial<Record<JobStatus, number>>;
  /** The caller submitted it (members without jobs.stopAny may stop only these). */
  submittedByCaller: boolean;
};

/** The console's filter as a query; null when it names a definition that does not exist. */
async function consoleQuery(ctx: OrgContext, input: ConsoleJobListInput): Promise<JobQuery | null> {
  let jobQueueId: string | undefined;
  if (input.queue) {
    // The console's URL names a queue; a deleted queue's jobs stay listable by its ARN or id.
    const queue = await ctx.db.jobQueue.findFirst({
      where: {
        organizationId: ctx.organizationId,
        OR: [{ id: input.queue }, { liveName: input.queue }, { arn: input.queue }],
      },
      select: { id: true },
    });
    if (!queue) return null;
    jobQueueId = queue.id;
  }
  const query: JobQuery = {
    organizationId: ctx.organizationId,
    jobQueueId,
    arrayJobId: input.arrayJobId,
    statuses: input.status && input.status !== "ALL" ? [input.status] : undefined,
    name: input.name,
    createdAfter: input.createdAfter,
    createdBefore: input.createdBefore,
    shareIdentifier: input.shareIdentifier,
    topLevelOnly: input.arrayJobId === undefined,
    cursor: input.cursor,
    before: input.arrayJobId === undefined ? input.before : undefined,
    limit: Math.max(1, Math.min(input.limit, 1000)),
  };
  if (input.definition) {
    query.jobDefinitionIds = await definitionIds(ctx.db, ctx.organizationId, input.definition);
    if (query.jobDefinitionIds.length === 0) return null;
  }
  return query;
}

/** The console's job list: every queue unless one is chosen, newest first, top-level jobs only. */
export async function listJobsForConsole(
  ctx: OrgContext,
  input: ConsoleJobListInput,
): Promise<{ jobs: ConsoleJob[]; nextCursor: string | null; prevCursor: string | null }> {
  const query = await consoleQuery(ctx, input);
  if (!query) return { jobs: [], nextCursor: null, prevCursor: null };
  const { jobs, next, prev } = await pageJobs(ctx.db, query, ctx.user.id);
  const parents = jobs.filter((j) => j.arrayProperties?.size !== undefined).map((j) => j.jobId);
  if (parents.length > 0) {
    // One index seek per parent ([arrayParentId, status]); a page holds at most a few hundred.
    const groups = await ctx.db.job.groupBy({
      by: ["arrayParentId", "status"],
      where: { organizationId: ctx.organizationId, arrayParentId: { in: parents } },
      _count: { _all: true },
    });
    const byParent = new Map<string, Partial<Record<JobStatus, number>>>();
    for (const g of groups) {
      if (!g.arrayParentId || !isJobStatus(g.status)) continue;
      const summary = byParent.get(g.arrayParentId) ?? {};
      summary[g.status] = g._count._all;
      byParent.set(g.arrayParentId, summary);
    }
    for (const j of jobs) {
      const summary = byParent.get(j.jobId);
      if (summary) j.statusSummary = summary;
    }
  }
  return { jobs, nextCursor: next ?? null, prevCursor: prev ?? null };
}

/**
 * The ids the console's filter matches, one keyset page at a time (same order and cursor as
 * listJobsForConsole), so a bulk action over "everything matching" walks a million jobs in
 * bounded pages instead of loading them at once. Each page is one index range read.
 */
export async function resolveJobFilter(
  ctx: OrgContext,
  input: ConsoleJobListInput,
): Promise<{ jobIds: string[]; nextCursor: string | null }> {
  const query = await consoleQuery(ctx, input);
  if (!query) return { jobIds: [], nextCursor: null };
  const { keys, next } = await pageKeys(ctx.db, query);
  return { jobIds: keys.map((k) => k.id), nextCursor: next ?? null };
}

/** Most jobs countJobsForConsole counts exactly; past it the console says "more than". */
export const COUNT_CAP = 100_000;

/**
 * How many jobs the console's filter matches, counted up to `cap` (the count of a bounded
 * subquery), so asking "Cancel how many?" costs at most `cap` index entries on a huge table.
 */
export async function countJobsForConsole(
  ctx: OrgContext,
  input: Omit<ConsoleJobListInput, "cursor" | "limit">,
  cap = COUNT_CAP,
): Promise<{ count: number; capped: boolean }> {
  const query = await consoleQuery(ctx, { ...input, limit: 1 });
  if (!query) return { count: 0, capped: false };
  const where = whereOf(query);
  const [row] = await ctx.db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Job" WHERE ${Prisma.join(where, " AND ")} LIMIT ${cap + 1}) AS "matched"`;
  const n = Number(row?.n ?? 0);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

function numberFilter(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** JOB_DEFINITION: a name (every revision; trailing `*` for a prefix), name:revision, or an ARN. */
async function definitionIds(db: DbOrTx, organizationId: string, value: string): Promise<string[]> {
  let name = value;
  let revision: number | undefined;
  if (looksLikeArn(value)) {
    const parsed = parseArn(value);
    if (!parsed || parsed.resourceType !== "job-definition")
      throw invalid(`${value} is not a valid job definition ARN.`);
    if (parsed.accountId !== (await accountIdOf(db, organizationId))) return [];
    name = parsed.name;
    revision = parsed.revision;
  } else if (/^[^:*]+:\d+$/.test(value)) {
    const colon = value.lastIndexOf(":");
    name = value.slice(0, colon);
    revision = Number(value.slice(colon + 1));
  }
  const prefix = name.endsWith("*") ? name.slice(0, -1) : undefined;
  const rows = await db.jobDefinition.findMany({
    where: {
      organizationId,
      // A literal prefix: "_" is a name character, not a wildcard (and case counts).
      ...(prefix !== undefined ? { name: literalPrefix(db, prefix) } : { name }),
      ...(revision !== undefined ? { revision } : {}),
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

const PRISMA_IN_CHUNK = 500;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE clause of a job query, organization first, as every query here carries it. */
function whereOf(q: Omit<JobQuery, "cursor" | "limit">): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`"organizationId" = ${q.organizationId}`];
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
  if (q.jobDefinitionIds) where.push(Prisma.sql`"jobDefinitionId" IN (${Prisma.join(q.jobDefinitionIds)})`);
  if (q.createdAfter !== undefined) where.push(Prisma.sql`"createdAt" > ${q.createdAfter}`);
  if (q.createdBefore !== undefined) where.push(Prisma.sql`"createdAt" < ${q.createdBefore}`);
  if (q.shareIdentifier !== undefined) where.push(Prisma.sql`"shareIdentifier" = ${q.shareIdentifier}`);
  return where;
}

type JobKey = { id: string; createdAt: bigint | number; arrayIndex: number | null };

/**
 * One page of keys (id, createdAt, arrayIndex) in list order, with the cursors of the pages
 * after and before it. Paging back (`before`) reads the same index the other way and reverses.
 */
async function pageKeys(db: DbOrTx, q: JobQuery): Promise<{ keys: JobKey[]; next?: string; prev?: string }> {
  const where = whereOf(q);
  const byIndex = q.arrayJobId !== undefined;
  const backwards = !byIndex && q.before !== undefined;
  if (backwards) {
    const { c, i } = decodeToken(q.before as string, createdCursor);
    where.push(Prisma.sql`("createdAt", "id") > (${c}, ${i})`);
  } else if (q.cursor !== undefined) {
    if (byIndex) {
      where.push(Prisma.sql`"arrayIndex" > ${decodeToken(q.cursor, indexCursor).x}`);
    } else {
      const { c, i } = decodeToken(q.cursor, createdCursor);
      where.push(Prisma.sql`("createdAt", "id") < (${c}, ${i})`);
    }
  }
  const order = byIndex
    ? Prisma.sql`"arrayIndex" ASC`
    : backwards
      ? Prisma.sql`"createdAt" ASC, "id" ASC`
      : Prisma.sql`"createdAt" DESC, "id" DESC`;
  const rows = await db.$queryRaw<JobKey[]>`
    SELECT "id", "createdAt", "arrayIndex" FROM "Job" WHERE ${Prisma.join(where, " AND ")} ORDER BY ${order} LIMIT ${q.limit + 1}`;
  const more = rows.length > q.limit;
  const keys = rows.slice(0, q.limit);
  if (backwards) keys.reverse();
  const first = keys[0];
  const last = keys.at(-1);
  const created = (k: JobKey) => encodeToken({ c: Number(k.createdAt), i: k.id });
  if (byIndex) {
    return more && last ? { keys, next: encodeToken({ x: Number(last.arrayIndex ?? 0) }) } : { keys };
  }
  // Going forward there is a newer page whenever a cursor was given; going back, an older one
  // always (the page the caller came from), and a newer one when more rows were read.
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : q.cursor !== undefined;
  return {
    keys,
    ...(hasNext && last ? { next: created(last) } : {}),
    ...(hasPrev && first ? { prev: created(first) } : {}),
  };
}

async function pageJobs(
  db: DbOrTx,
  q: JobQuery,
  callerId?: string,
): Promise<{ jobs: ConsoleJob[]; next?: string; prev?: string }> {
  const { keys, next, prev } = await pageKeys(db, q);
  const ids = keys.map((k) => k.id);
  if (ids.length === 0) return { jobs: [] };
  const rows = [];
  // Prisma caps the bound parameters of a query it builds for SQLite at 999.
  for (let i = 0; i < ids.length; i += PRISMA_IN_CHUNK) {
    rows.push(
      ...(await db.job.findMany({
        where: { organizationId: q.organizationId, id: { in: ids.slice(i, i + PRISMA_IN_CHUNK) } },
        include: {
          jobQueue: { select: { arn: true } },
          jobDefinition: { select: { arn: true } },
          attempts: { orderBy: { attemptNumber: "desc" }, take: 1, select: { reason: true } },
        },
      })),
    );
  }
  const accountId = await accountIdOf(db, q.organizationId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const jobs: ConsoleJob[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    const summary = toJobSummary(row, { accountId }, row.attempts[0]?.reason);
    jobs.push({
      ...summary,
      jobQueue: row.jobQueue.arn,
      ...(row.arrayParentId ? { arrayParentId: row.arrayParentId } : {}),
      submittedByCaller: callerId !== undefined && row.submittedById === callerId,
    });
  }
  return { jobs, ...(next ? { next } : {}), ...(prev ? { prev } : {}) };
}

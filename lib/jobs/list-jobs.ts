// ListJobs (AWS) and the console's cross-queue job list. Both page with an opaque keyset cursor
// on (createdAt, id), newest first, so a page costs an index range scan on the existing Job
// indexes whatever the table size, and pages never repeat or skip a job while others are
// submitted in between. Array children are paged by index instead.
//
// The page's ids come from one raw query (case-insensitive name matching is spelled the same
// way on SQLite and PostgreSQL only in SQL); the rows are then read through Prisma.

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
import type { JobSort } from "./console-filter";
import { type JobQuery, pageKeys, whereOf } from "./job-keys";

export { listJobsInput } from "@/lib/batch/shapes/jobs";

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
  /** One job by id (an array child's `<parent>:<index>` too): the search box given an id or ARN. */
  jobId?: string;
  /** The start of the name, case-insensitive (the search box given anything but an id). */
  namePrefix?: string;
  /** Only jobs this user submitted ("My jobs"). */
  submittedBy?: string;
  /** Newest first unless given. */
  sort?: JobSort;
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
  /** Attempts started so far, and how many the retry strategy allows (when the backend knows). */
  attempts?: number;
  attemptsAllowed?: number;
  /** Who submitted it: the member's name (for /v1, the access key's owner), when known. */
  submittedBy?: string;
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
    jobId: input.jobId,
    namePrefix: input.namePrefix,
    submittedById: input.submittedBy,
    sort: input.sort,
    // A job named by its id is found wherever it is, an array child too.
    topLevelOnly: input.arrayJobId === undefined && input.jobId === undefined,
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

/**
 * The console's job list: every queue unless one is chosen, newest first unless another order is
 * asked for, top-level jobs only unless one job is asked for by id.
 */
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
  const submitters = await submitterNames(
    db,
    rows.map((r) => r.submittedById),
  );
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
      attempts: row.attemptCount,
      attemptsAllowed: row.attemptsAllowed,
      ...(row.submittedById && submitters.has(row.submittedById)
        ? { submittedBy: submitters.get(row.submittedById) }
        : {}),
    });
  }
  return { jobs, ...(next ? { next } : {}), ...(prev ? { prev } : {}) };
}

/** The members (or former members) who submitted a page's jobs, by name, else email. */
async function submitterNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const distinct = [...new Set(ids.filter((id): id is string => id !== null))];
  if (distinct.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { id: { in: distinct } },
    select: { id: true, name: true, email: true },
  });
  return new Map(users.map((u) => [u.id, u.name.trim() || u.email]));
}

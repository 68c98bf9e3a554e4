// The console's job list on the AWS backend: newest first across one queue or all of them,
// with the same filters and the same opaque cursor as the built-in list.
//
// AWS's ListJobs is narrower than what the console asks: one queue per call, one status per
// call (RUNNING when none is given) unless a filter is used, then every status but at most one
// filter per call, 100 results per page, and array children only under their parent. So:
//
// - "every queue" is DescribeJobQueues, then one listing per queue, a few queues at a time
//   (an account holds at most 50 queues per region);
// - one chosen status and nothing else on a first page: ListJobs with jobStatus, read to the end
//   (up to MAX_STATUS_PAGES of 1,000) and sorted here, since AWS promises no order there;
// - anything else: ListJobs with one filter, whose results AWS sorts newest first:
//   BEFORE_CREATED_AT past the cursor for later pages, else JOB_NAME, JOB_DEFINITION or
//   AFTER_CREATED_AT; every other condition (status, name, definition, dates, share, top-level
//   only, the cursor) is applied here;
// - each queue is read until it has a page of matches or MAX_FILTERED_PAGES pages of 100 are
//   scanned; a page then holds only jobs newer than every queue's scan frontier, and its cursor
//   continues from that frontier. A rare filter over a large history therefore costs a few
//   "load more" clicks, never an unbounded scan;
// - array children: ListJobs with arrayJobId per status (filters do not apply to children),
//   in index order;
// - one job by id (the search box given an id or ARN): DescribeJobs;
// - the search box's name start is one more JOB_NAME prefix, checked here like the others.
//
// What AWS cannot answer is refused rather than pretended: ListJobs has one order (newest
// first) and its summaries carry no tags, so another order or "My jobs" (batchdeck:submittedBy)
// is an INVALID error here, and the console does not offer them for AWS organizations.
import { DescribeJobQueuesCommand, ListJobsCommand, type ListJobsCommandInput } from "@aws-sdk/client-batch";
import { z } from "zod";
import { type JobSummary, MAX_FILTERED_LIST_RESULTS } from "@/lib/batch/shapes/jobs";
import { JOB_STATUSES, type JobStatus } from "@/lib/batch/states";
import { AppError } from "@/lib/errors";
import type { ConsoleJob, ConsoleJobListInput } from "@/lib/jobs/list-jobs";
import { decodeToken, encodeToken } from "@/lib/resources/pagination";
import { callBatch, mapLimit } from "./call";
import type { AwsClients } from "./clients";
import { describeJobs, SUBMITTED_BY_TAG } from "./jobs";
import { isChildJobId, toJobSummary } from "./shapes";

const MAX_STATUS_PAGES = 10;
const MAX_FILTERED_PAGES = 10;
const STATUS_PAGE_SIZE = 1000;
const QUEUE_CONCURRENCY = 4;
/** BEFORE_CREATED_AT for "no upper bound": AWS takes the filter as epoch milliseconds. */
const FAR_FUTURE = "99999999999999";

const createdCursor = z.object({ c: z.number().int(), i: z.string() });
const indexCursor = z.object({ x: z.number().int() });

type Key = { c: number; i: string };
/** Newest first: a before b when created later, ties broken by id descending. */
const newer = (a: Key, b: Key) => a.c > b.c || (a.c === b.c && a.i > b.i);
const keyOf = (j: JobSummary): Key => ({ c: j.createdAt, i: j.jobId });

interface QueueRead {
  jobs: ConsoleJob[];
  /** Oldest position examined, when the queue was not read to its end. */
  frontier?: Key;
}

export async function listJobsForConsole(
  clients: AwsClients,
  input: ConsoleJobListInput,
  callerId?: string,
): Promise<{ jobs: ConsoleJob[]; nextCursor: string | null }> {
  if (input.sort !== undefined && input.sort !== "newest") {
    throw new AppError(
      "INVALID_INPUT",
      "AWS Batch lists jobs newest first only; the list cannot be sorted another way.",
    );
  }
  if (input.submittedBy !== undefined) {
    throw new AppError(
      "INVALID_INPUT",
      "AWS Batch's job list does not say who submitted a job, so My jobs is not available.",
    );
  }
  const limit = Math.max(1, Math.min(input.limit, 1000));
  if (input.jobId !== undefined) return oneJob(clients, input, input.jobId, callerId);
  if (input.arrayJobId !== undefined) return listChildren(clients, input, limit);
  const cursor = input.cursor ? decodeToken(input.cursor, createdCursor) : undefined;
  const queues = input.queue ? [await queueArn(clients, input.queue)] : await allQueueArns(clients);
  const reads = await mapLimit(queues, QUEUE_CONCURRENCY, (queue) => readQueue(clients, queue, input, cursor, limit));

  const frontiers = reads.flatMap((r) => (r.frontier ? [r.frontier] : []));
  // Everything newer than the newest frontier has been seen in every queue.
  const safe = frontiers.reduce<Key | undefined>((a, f) => (!a || newer(f, a) ? f : a), undefined);
  const merged = reads
    .flatMap((r) => r.jobs)
    .filter((j) => !safe || newer(keyOf(j), safe))
    .sort((a, b) => (newer(keyOf(a), keyOf(b)) ? -1 : 1));
  const jobs = merged.slice(0, limit);
  const last = jobs[jobs.length - 1];
  if (merged.length > limit && last) return { jobs, nextCursor: encodeToken(keyOf(last)) };
  if (safe) return { jobs, nextCursor: encodeToken(safe) };
  return { jobs, nextCursor: null };
}

/** The search box given a job id: that job, when it exists and passes the rest of the filter. */
async function oneJob(
  clients: AwsClients,
  input: ConsoleJobListInput,
  jobId: string,
  callerId: string | undefined,
): Promise<{ jobs: ConsoleJob[]; nextCursor: null }> {
  if (input.cursor) return { jobs: [], nextCursor: null };
  const { jobs } = await describeJobs(clients, [jobId]);
  const found = jobs.flatMap((d) => {
    const summary: JobSummary = {
      jobArn: d.jobArn,
      jobId: d.jobId,
      jobName: d.jobName,
      jobDefinition: d.jobDefinition,
      status: d.status,
      createdAt: d.createdAt,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
      ...(d.shareIdentifier ? { shareIdentifier: d.shareIdentifier } : {}),
      ...(d.startedAt !== undefined ? { startedAt: d.startedAt } : {}),
      ...(d.stoppedAt !== undefined ? { stoppedAt: d.stoppedAt } : {}),
      ...(typeof d.container.exitCode === "number" ? { container: { exitCode: d.container.exitCode } } : {}),
      ...(d.arrayProperties
        ? { arrayProperties: { size: d.arrayProperties.size, index: d.arrayProperties.index } }
        : {}),
    };
    if (input.queue && d.jobQueue !== input.queue && !d.jobQueue.endsWith(`/${input.queue}`)) return [];
    if (!matches(summary, input, undefined, true)) return [];
    return [
      {
        ...summary,
        jobQueue: d.jobQueue,
        submittedByCaller: callerId !== undefined && d.tags[SUBMITTED_BY_TAG] === callerId,
        attempts: d.attempts.length,
        ...(d.retryStrategy?.attempts ? { attemptsAllowed: d.retryStrategy.attempts } : {}),
      },
    ];
  });
  return { jobs: found, nextCursor: null };
}

async function queueArn(clients: AwsClients, queue: string): Promise<string> {
  const out = await callBatch(clients, (c) => c.send(new DescribeJobQueuesCommand({ jobQueues: [queue] })));
  const arn = out.jobQueues?.[0]?.jobQueueArn;
  if (!arn) throw new AppError("NOT_FOUND", `Job queue ${queue} does not exist.`);
  return arn;
}

async function allQueueArns(clients: AwsClients): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await callBatch(clients, (c) =>
      c.send(new DescribeJobQueuesCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) })),
    );
    for (const q of out.jobQueues ?? []) if (q.jobQueueArn) arns.push(q.jobQueueArn);
    nextToken = out.nextToken;
  } while (nextToken);
  return arns;
}

function wantedStatus(input: ConsoleJobListInput): JobStatus | undefined {
  return input.status && input.status !== "ALL" ? input.status : undefined;
}

async function readQueue(
  clients: AwsClients,
  queue: string,
  input: ConsoleJobListInput,
  cursor: Key | undefined,
  limit: number,
): Promise<QueueRead> {
  const status = wantedStatus(input);
  const plain =
    status &&
    !cursor &&
    !input.name &&
    !input.namePrefix &&
    !input.definition &&
    input.createdAfter === undefined &&
    input.createdBefore === undefined;
  if (plain) {
    const read = await readByStatus(clients, queue, status, input);
    if (read) return read;
  }
  return readFiltered(clients, queue, input, cursor, limit);
}

/** jobStatus listing read to its end, or null when it is longer than the cap. */
async function readByStatus(
  clients: AwsClients,
  queue: string,
  status: JobStatus,
  input: ConsoleJobListInput,
): Promise<QueueRead | null> {
  const jobs: ConsoleJob[] = [];
  let nextToken: string | undefined;
  for (let pages = 0; pages < MAX_STATUS_PAGES; pages++) {
    const out = await list(clients, {
      jobQueue: queue,
      jobStatus: status,
      maxResults: STATUS_PAGE_SIZE,
      ...(input.shareIdentifier ? { filters: [{ name: "SHARE_IDENTIFIER", values: [input.shareIdentifier] }] } : {}),
      ...(nextToken ? { nextToken } : {}),
    });
    for (const s of out.summaries) if (matches(s, input, undefined)) jobs.push(consoleJob(s, queue));
    nextToken = out.nextToken;
    if (!nextToken) return { jobs };
  }
  return null;
}

async function readFiltered(
  clients: AwsClients,
  queue: string,
  input: ConsoleJobListInput,
  cursor: Key | undefined,
  limit: number,
): Promise<QueueRead> {
  const jobs: ConsoleJob[] = [];
  const filter = serverFilter(input, cursor);
  let nextToken: string | undefined;
  let frontier: Key | undefined;
  for (let pages = 0; pages < MAX_FILTERED_PAGES; pages++) {
    const out = await list(clients, {
      jobQueue: queue,
      maxResults: MAX_FILTERED_LIST_RESULTS,
      filters: [filter],
      ...(nextToken ? { nextToken } : {}),
    });
    for (const s of out.summaries) {
      frontier = keyOf(s);
      if (matches(s, input, cursor)) jobs.push(consoleJob(s, queue));
    }
    nextToken = out.nextToken;
    if (!nextToken) return { jobs };
    if (jobs.length > limit) break;
  }
  return { jobs, frontier };
}

function serverFilter(input: ConsoleJobListInput, cursor: Key | undefined): { name: string; values: string[] } {
  const before = [cursor ? cursor.c + 1 : undefined, input.createdBefore].filter((v) => v !== undefined);
  if (cursor) return { name: "BEFORE_CREATED_AT", values: [String(Math.min(...(before as number[])))] };
  if (input.name) return { name: "JOB_NAME", values: [input.name] };
  if (input.namePrefix) return { name: "JOB_NAME", values: [`${input.namePrefix}*`] };
  if (input.definition) return { name: "JOB_DEFINITION", values: [input.definition] };
  if (input.createdAfter !== undefined) return { name: "AFTER_CREATED_AT", values: [String(input.createdAfter)] };
  return { name: "BEFORE_CREATED_AT", values: [before.length ? String(before[0]) : FAR_FUTURE] };
}

/** Every console condition, whichever one AWS already applied. */
function matches(s: JobSummary, input: ConsoleJobListInput, cursor: Key | undefined, child = false): boolean {
  if (!child && isChildJobId(s.jobId)) return false;
  const status = wantedStatus(input);
  if (status && s.status !== status) return false;
  if (input.name && !nameMatches(s.jobName, input.name)) return false;
  if (input.namePrefix && !nameMatches(s.jobName, `${input.namePrefix}*`)) return false;
  if (input.definition && !definitionMatches(s.jobDefinition, input.definition)) return false;
  if (input.createdAfter !== undefined && !(s.createdAt > input.createdAfter)) return false;
  if (input.createdBefore !== undefined && !(s.createdAt < input.createdBefore)) return false;
  if (input.shareIdentifier !== undefined && s.shareIdentifier !== input.shareIdentifier) return false;
  if (cursor && !newer(cursor, keyOf(s))) return false;
  return true;
}

function nameMatches(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  return p.endsWith("*") ? n.startsWith(p.slice(0, -1)) : n === p;
}

/** A definition ARN against a name (any revision, `*` prefix), name:revision or ARN. */
function definitionMatches(arn: string, pattern: string): boolean {
  if (pattern.startsWith("arn:")) return arn === pattern;
  const nameRevision = arn.slice(arn.indexOf("job-definition/") + "job-definition/".length);
  const colon = nameRevision.lastIndexOf(":");
  const name = colon === -1 ? nameRevision : nameRevision.slice(0, colon);
  if (/^[^:*]+:\d+$/.test(pattern)) return nameRevision === pattern;
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

async function listChildren(
  clients: AwsClients,
  input: ConsoleJobListInput,
  limit: number,
): Promise<{ jobs: ConsoleJob[]; nextCursor: string | null }> {
  const arrayJobId = input.arrayJobId as string;
  const after = input.cursor ? decodeToken(input.cursor, indexCursor).x : -1;
  const status = wantedStatus(input);
  const statuses = status ? [status] : [...JOB_STATUSES];
  const perStatus = await mapLimit(statuses, QUEUE_CONCURRENCY, async (jobStatus) => {
    const out: JobSummary[] = [];
    let nextToken: string | undefined;
    for (let pages = 0; pages < MAX_STATUS_PAGES; pages++) {
      const page = await list(clients, {
        arrayJobId,
        jobStatus,
        maxResults: STATUS_PAGE_SIZE,
        ...(nextToken ? { nextToken } : {}),
      });
      out.push(...page.summaries);
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
    return out;
  });
  const children = perStatus
    .flat()
    .filter((s) => (s.arrayProperties?.index ?? -1) > after)
    .sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0));
  // The queue is the parent's; one DescribeJobs answers it for the whole page.
  const jobs = children.slice(0, limit).map((s) => ({ ...consoleJob(s, ""), arrayParentId: arrayJobId }));
  if (jobs.length > 0) {
    const { jobs: parents } = await describeJobs(clients, [arrayJobId]);
    const queue = parents[0]?.jobQueue ?? "";
    for (const j of jobs) j.jobQueue = queue;
  }
  const last = jobs[jobs.length - 1];
  return {
    jobs,
    nextCursor: children.length > limit && last ? encodeToken({ x: last.arrayProperties?.index ?? 0 }) : null,
  };
}

/**
 * AWS's job summaries carry no tags, so whether the caller submitted a job is not known from a
 * list: the list offers no stop buttons on that ground, and stopping checks ownership itself
 * (jobs.ts reads the batchdeck:submittedBy tag through DescribeJobs).
 */
function consoleJob(summary: JobSummary, queue: string): ConsoleJob {
  return { ...summary, jobQueue: queue, submittedByCaller: false };
}

async function list(
  clients: AwsClients,
  request: ListJobsCommandInput,
): Promise<{ summaries: JobSummary[]; nextToken?: string }> {
  const out = await callBatch(clients, (c) => c.send(new ListJobsCommand(request)));
  return { summaries: (out.jobSummaryList ?? []).map(toJobSummary), nextToken: out.nextToken };
}

// CloudWatch Logs' GetLogEvents and DescribeLogStreams over the built-in engine's LogChunk rows,
// so `aws logs get-log-events --log-group-name /aws/batch/job --log-stream-name <from
// DescribeJobs>` works against Batchdeck as it does against AWS.
//
// A stream is one job attempt (JobAttempt.logStreamName, "<definition>/default/<attempt id>").
// As with awslogs, STDOUT and STDERR are interleaved in one stream, in the order the engine
// stamped them (LogChunk.timestamp, then id). Each stored chunk becomes one event per line;
// pages never split a chunk, so tokens are chunk positions: "f/<time>-<id>" reads after a
// chunk, "b/<time>-<id>" before one.
// A line the process wrote across two chunks shows as two events.
import { z } from "zod";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { chunkLines } from "@/lib/logs/chunk-lines";
import { ApiError } from "./errors";

export const BATCH_LOG_GROUP = "/aws/batch/job";
const MAX_EVENTS = 10_000;
/** CloudWatch caps a page at 1 MB of messages. */
const MAX_PAGE_BYTES = 1024 * 1024;

const resourceNotFound = (message: string) => new ApiError("ResourceNotFoundException", 400, message);
const invalidParameter = (message: string) => new ApiError("InvalidParameterException", 400, message);

const token = z.string().regex(/^[fb]\/\d{1,16}-\d{1,16}$/, "The specified nextToken is not valid.");

export const getLogEventsInput = z.object({
  logGroupName: z.string().min(1).max(512).optional(),
  logGroupIdentifier: z.string().min(1).max(2048).optional(),
  logStreamName: z.string({ message: "logStreamName is required." }).min(1).max(512),
  startTime: z.number().int().min(0).optional(),
  endTime: z.number().int().min(0).optional(),
  nextToken: token.optional(),
  limit: z.number().int().min(1).max(MAX_EVENTS).optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
export type GetLogEventsInput = z.output<typeof getLogEventsInput>;

export interface OutputLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

function checkGroup(input: { logGroupName?: string; logGroupIdentifier?: string }) {
  const group = input.logGroupName ?? input.logGroupIdentifier;
  if (!group) throw invalidParameter("Either logGroupName or logGroupIdentifier must be given.");
  if (group !== BATCH_LOG_GROUP && !group.endsWith(`:log-group:${BATCH_LOG_GROUP}`)) {
    throw resourceNotFound("The specified log group does not exist.");
  }
}

async function findStream(ctx: OrgContext, logStreamName: string) {
  const attemptId = logStreamName.split("/").pop() ?? "";
  const attempt = await ctx.db.jobAttempt.findFirst({
    where: { id: attemptId, logStreamName, job: { organizationId: ctx.organizationId } },
    select: { jobId: true, attemptNumber: true, startedAt: true },
  });
  if (!attempt) throw resourceNotFound("The specified log stream does not exist.");
  return attempt;
}

export async function getLogEvents(
  ctx: OrgContext,
  raw: unknown,
): Promise<{ events: OutputLogEvent[]; nextForwardToken: string; nextBackwardToken: string }> {
  requirePermission(ctx, "resources.view");
  const input = parseInput(getLogEventsInput, raw);
  checkGroup(input);
  const attempt = await findStream(ctx, input.logStreamName);
  const limit = input.limit ?? MAX_EVENTS;
  const sent = input.nextToken ? parseToken(input.nextToken) : null;
  // Reading forward: after a forward token, or from the head when asked; otherwise the tail.
  const forward = sent ? sent.forward : input.startFromHead === true;
  const timeRange =
    input.startTime !== undefined || input.endTime !== undefined
      ? {
          timestamp: {
            ...(input.startTime !== undefined ? { gte: BigInt(input.startTime) } : {}),
            ...(input.endTime !== undefined ? { lt: BigInt(input.endTime) } : {}),
          },
        }
      : {};
  // Keyset on (timestamp, id): the engine flushes STDOUT and STDERR in batches, so insertion
  // order is not time order across the two.
  const cmp = forward ? "gt" : "lt";
  const after = sent
    ? {
        OR: [{ timestamp: { [cmp]: sent.timestamp } }, { timestamp: sent.timestamp, id: { [cmp]: sent.id } }],
      }
    : {};
  const dir = forward ? "asc" : "desc";
  const rows = await ctx.db.logChunk.findMany({
    where: { jobId: attempt.jobId, attempt: attempt.attemptNumber, ...timeRange, ...after },
    orderBy: [{ timestamp: dir }, { id: dir }],
    take: limit,
    select: { id: true, timestamp: true, data: true },
  });

  // Keep whole chunks while the page stays within the event and byte limits (at least one).
  const kept: { position: Position; events: OutputLogEvent[] }[] = [];
  let eventCount = 0;
  let bytes = 0;
  for (const row of rows) {
    const events = toEvents(row);
    const size = Buffer.byteLength(row.data);
    if (kept.length > 0 && (eventCount + events.length > limit || bytes + size > MAX_PAGE_BYTES)) break;
    kept.push({ position: { timestamp: row.timestamp, id: row.id }, events });
    eventCount += events.length;
    bytes += size;
  }
  if (!forward) kept.reverse();

  // An empty page hands back the position it was asked about, so "token unchanged" means
  // "at the end", as CloudWatch documents for tailing.
  const start: Position = { timestamp: 0n, id: 0 };
  const end: Position = { timestamp: BigInt(Number.MAX_SAFE_INTEGER), id: Number.MAX_SAFE_INTEGER };
  const first = kept[0]?.position ?? sent ?? (forward ? start : end);
  const last = kept[kept.length - 1]?.position ?? sent ?? (forward ? start : end);
  return {
    events: kept.flatMap((k) => k.events),
    nextForwardToken: formatToken("f", last),
    nextBackwardToken: formatToken("b", first),
  };
}

interface Position {
  timestamp: bigint;
  id: number;
}

const formatToken = (direction: "f" | "b", p: Position) => `${direction}/${p.timestamp}-${p.id}`;

function parseToken(text: string): Position & { forward: boolean } {
  const [, direction, timestamp, id] = /^([fb])\/(\d{1,16})-(\d{1,16})$/.exec(text) ?? [];
  return { forward: direction === "f", timestamp: BigInt(timestamp ?? 0), id: Number(id) };
}

function toEvents(row: { timestamp: bigint; data: string }): OutputLogEvent[] {
  const timestamp = Number(row.timestamp);
  return chunkLines(row.data).lines.map((message) => ({ timestamp, message, ingestionTime: timestamp }));
}

export const describeLogStreamsInput = z.object({
  logGroupName: z.string().min(1).max(512).optional(),
  logGroupIdentifier: z.string().min(1).max(2048).optional(),
  logStreamNamePrefix: z.string().min(1).max(512).optional(),
  orderBy: z.enum(["LogStreamName", "LastEventTime"]).optional(),
  descending: z.boolean().optional(),
  nextToken: z.string().max(1024).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});

export interface LogStream {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

/**
 * Streams of the organization's job attempts. Ordered by name, or for LastEventTime by the
 * attempt's start (a stream's events follow its start, and this needs no scan of the chunks).
 */
export async function describeLogStreams(
  ctx: OrgContext,
  raw: unknown,
): Promise<{ logStreams: LogStream[]; nextToken?: string }> {
  requirePermission(ctx, "resources.view");
  const input = parseInput(describeLogStreamsInput, raw);
  checkGroup(input);
  if (input.orderBy === "LastEventTime" && input.logStreamNamePrefix) {
    throw invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  const limit = input.limit ?? 50;
  const offset = input.nextToken ? decodeOffset(input.nextToken) : 0;
  const dir = input.descending ? "desc" : "asc";
  const attempts = await ctx.db.jobAttempt.findMany({
    where: {
      job: { organizationId: ctx.organizationId },
      logStreamName: input.logStreamNamePrefix ? { startsWith: input.logStreamNamePrefix } : { not: "" },
    },
    orderBy:
      input.orderBy === "LastEventTime" ? [{ startedAt: dir }, { id: dir }] : [{ logStreamName: dir }, { id: dir }],
    skip: offset,
    take: limit + 1,
    select: { jobId: true, attemptNumber: true, logStreamName: true, startedAt: true },
  });
  const page = attempts.slice(0, limit);
  const logStreams = await Promise.all(
    page.map(async (a): Promise<LogStream> => {
      const where = { jobId: a.jobId, attempt: a.attemptNumber };
      const [firstChunk, lastChunk] = await Promise.all([
        ctx.db.logChunk.findFirst({ where, orderBy: { id: "asc" }, select: { timestamp: true } }),
        ctx.db.logChunk.findFirst({ where, orderBy: { id: "desc" }, select: { timestamp: true } }),
      ]);
      return {
        logStreamName: a.logStreamName,
        creationTime: Number(a.startedAt ?? firstChunk?.timestamp ?? 0),
        ...(firstChunk ? { firstEventTimestamp: Number(firstChunk.timestamp) } : {}),
        ...(lastChunk
          ? { lastEventTimestamp: Number(lastChunk.timestamp), lastIngestionTime: Number(lastChunk.timestamp) }
          : {}),
        // CloudWatch has reported 0 here since 2019; kept for the shape.
        storedBytes: 0,
      };
    }),
  );
  return {
    logStreams,
    ...(attempts.length > limit ? { nextToken: encodeOffset(offset + limit) } : {}),
  };
}

const encodeOffset = (n: number) => Buffer.from(JSON.stringify({ o: n })).toString("base64url");

function decodeOffset(tokenText: string): number {
  try {
    const parsed = z
      .object({ o: z.number().int().min(0) })
      .parse(JSON.parse(Buffer.from(tokenText, "base64url").toString()));
    return parsed.o;
  } catch {
    throw invalidParameter("The specified nextToken is not valid.");
  }
}

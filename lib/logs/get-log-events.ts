// STDOUT and STDERR of one job attempt for the console: the live view (over Server-Sent
// Events), the initial page and the download all read through here.
//
// Chunks are read in id order. The engine writes an attempt's chunks from one process, one
// transaction after another, so ids grow in commit order: reading "after id N" never skips a
// chunk committed later with a smaller id, which is what makes a forward token gap-free for a
// live tail. (CloudWatch's reader orders by timestamp instead, as AWS does.)
//
// A page holds whole chunks only, so a token is just the last chunk id read. Each line gets a
// sequence number, chunk id × LINE_SLOTS + line index, which grows along the log and lets a
// client drop what it has already seen after reconnecting.
import { z } from "zod";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { isTerminal } from "@/lib/batch/states";
import { notFound } from "@/lib/errors";
import { chunkLines } from "./chunk-lines";

/** A chunk is at most 256 Ki characters (engine/log-capture.ts), so it has fewer lines than this. */
export const LINE_SLOTS = 2 ** 20;
const MAX_LIMIT = 10_000;
/** A page stops growing past this many characters (CloudWatch pages hold up to 1 MB). */
const MAX_PAGE_CHARS = 1024 * 1024;

function countLines(data: string): number {
  let n = 1;
  for (let i = data.indexOf("\n"); i !== -1 && i < data.length - 1; i = data.indexOf("\n", i + 1)) n++;
  return n;
}

export const logStreamFilter = z.enum(["stdout", "stderr", "both"]);
export type LogStreamFilter = z.output<typeof logStreamFilter>;

export const getLogEventsInput = z.object({
  jobId: z.string().min(1).max(256),
  /** 1-based; the latest attempt when left out. */
  attempt: z.coerce.number().int().min(1).max(100).optional(),
  stream: logStreamFilter.default("both"),
  /** From the first line (default) or, without a token, the last `limit` lines. */
  startFromHead: z.boolean().default(true),
  nextToken: z
    .string()
    .regex(/^\d{1,15}$/, "The token is not valid.")
    .optional(),
  /** Lines wanted; whole chunks are kept, so a page may run past it by one chunk's lines. */
  limit: z.number().int().min(1).max(MAX_LIMIT).default(1_000),
});
export type GetLogEventsInput = z.input<typeof getLogEventsInput>;

export interface JobLogEvent {
  timestamp: number;
  stream: "stdout" | "stderr";
  message: string;
  seq: number;
  /** The line continues in the next event of the same stream (the process had not ended it yet). */
  partial?: true;
}

export interface JobLogPage {
  events: JobLogEvent[];
  /** Read on from here; unchanged when nothing new was there. */
  nextForwardToken: string;
  /** The attempt read (null while the job has not started one). */
  attempt: number | null;
  /** Attempt numbers that exist, oldest first. */
  attempts: number[];
  /** This page reached the newest line written so far. */
  caughtUp: boolean;
  /** The attempt is over and this page reached its last line: nothing more will come. */
  complete: boolean;
}

/** A stored chunk as read for the console. */
export interface LogChunkRead {
  id: number;
  stream: string;
  timestamp: bigint;
  data: string;
}

/** Chunks (in id order) as console lines, each with its sequence number. */
export function chunkEvents(rows: readonly LogChunkRead[]): JobLogEvent[] {
  const events: JobLogEvent[] = [];
  for (const chunk of rows) {
    const { lines: texts, partial } = chunkLines(chunk.data);
    const stream = chunk.stream === "stderr" ? "stderr" : "stdout";
    const timestamp = Number(chunk.timestamp);
    texts.forEach((message, i) => {
      const event: JobLogEvent = { timestamp, stream, message, seq: chunk.id * LINE_SLOTS + i };
      if (partial && i === texts.length - 1) event.partial = true;
      events.push(event);
    });
  }
  return events;
}

export async function getLogEvents(ctx: OrgContext, raw: GetLogEventsInput): Promise<JobLogPage> {
  requirePermission(ctx, "resources.view");
  const input = parseInput(getLogEventsInput, raw);
  const job = await ctx.db.job.findFirst({
    where: { id: input.jobId, organizationId: ctx.organizationId },
    select: { status: true, attempts: { select: { attemptNumber: true, stoppedAt: true } } },
  });
  if (!job) throw notFound(`Job ${input.jobId}`);
  const attempts = job.attempts.map((a) => a.attemptNumber).sort((a, b) => a - b);
  const number = input.attempt ?? attempts[attempts.length - 1] ?? null;
  const row = job.attempts.find((a) => a.attemptNumber === number);
  const after = input.nextToken ? Number(input.nextToken) : null;
  // Over: the attempt has stopped (its last chunks were written in the same transaction), or
  // the job ended without ever reaching it.
  const over = row ? row.stoppedAt !== null : isTerminal(job.status);
  if (number === null || !row) {
    return {
      events: [],
      nextForwardToken: String(after ?? 0),
      attempt: number,
      attempts,
      caughtUp: true,
      complete: over,
    };
  }

  const base = {
    jobId: input.jobId,
    attempt: number,
    ...(input.stream === "both" ? {} : { stream: input.stream }),
  };
  const forward = after !== null || input.startFromHead;
  // Chunks are read in batches that grow while they are small (a live tail writes a line or
  // two per chunk) and stop at `limit` lines or MAX_PAGE_CHARS, so a page never loads more
  // than about one chunk past what it returns, however long the log.
  const rows: LogChunkRead[] = [];
  let lines = 0;
  let chars = 0;
  let cursor = after;
  let exhausted = false;
  for (let batch = 8; ; batch = Math.min(batch * 4, 1_024)) {
    const got = await ctx.db.logChunk.findMany({
      where: { ...base, ...(cursor !== null ? { id: forward ? { gt: cursor } : { lt: cursor } } : {}) },
      orderBy: { id: forward ? "asc" : "desc" },
      take: batch + 1,
      select: { id: true, stream: true, timestamp: true, data: true },
    });
    let used = 0;
    for (const row of got.slice(0, batch)) {
      rows.push(row);
      used++;
      cursor = row.id;
      lines += countLines(row.data);
      chars += row.data.length;
      if (lines >= input.limit || chars >= MAX_PAGE_CHARS) break;
    }
    if (used === got.length) exhausted = true;
    if (exhausted || lines >= input.limit || chars >= MAX_PAGE_CHARS) break;
  }
  if (!forward) rows.reverse();

  const events = chunkEvents(rows);
  let lastId = after ?? 0;
  for (const chunk of rows) lastId = Math.max(lastId, chunk.id);
  // Reading the tail: keep the last `limit` lines of the chunks read.
  const page = forward ? events : events.slice(Math.max(0, events.length - input.limit));
  // A tail read starts from the newest chunk, so it has read up to the end too.
  const readAll = forward ? exhausted : true;
  return {
    events: page,
    nextForwardToken: String(lastId),
    attempt: number,
    attempts,
    caughtUp: readAll,
    complete: over && readAll,
  };
}

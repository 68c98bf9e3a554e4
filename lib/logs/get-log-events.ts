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
  /** The attempt is over and this page reached its last line: nothing more will come. */
  complete: boolean;
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
    return { events: [], nextForwardToken: String(after ?? 0), attempt: number, attempts, complete: over };
  }

  const where = {
    jobId: input.jobId,
    attempt: number,
    ...(input.stream === "both" ? {} : { stream: input.stream }),
    ...(after !== null ? { id: { gt: after } } : {}),
  };
  const forward = after !== null || input.startFromHead;
  // Chunks hold a line or more each; asking for `limit` chunks covers `limit` lines.
  const rows = await ctx.db.logChunk.findMany({
    where,
    orderBy: { id: forward ? "asc" : "desc" },
    take: input.limit + 1,
    select: { id: true, stream: true, timestamp: true, data: true },
  });
  const more = rows.length > input.limit;
  if (more) rows.pop();
  if (!forward) rows.reverse();

  const events: JobLogEvent[] = [];
  let lastId = after ?? 0;
  let stoppedEarly = false;
  for (const chunk of rows) {
    if (forward && events.length >= input.limit) {
      stoppedEarly = true;
      break;
    }
    const { lines, partial } = chunkLines(chunk.data);
    const stream = chunk.stream === "stderr" ? "stderr" : "stdout";
    const timestamp = Number(chunk.timestamp);
    lines.forEach((message, i) => {
      const event: JobLogEvent = { timestamp, stream, message, seq: chunk.id * LINE_SLOTS + i };
      if (partial && i === lines.length - 1) event.partial = true;
      events.push(event);
    });
    lastId = chunk.id;
  }
  // Reading the tail: keep the last `limit` lines of the chunks read.
  const page = forward ? events : events.slice(Math.max(0, events.length - input.limit));
  // A tail read starts from the newest chunk, so it has read up to the end too.
  const readAll = forward ? !more && !stoppedEarly : true;
  return {
    events: page,
    nextForwardToken: String(lastId),
    attempt: number,
    attempts,
    complete: over && readAll,
  };
}

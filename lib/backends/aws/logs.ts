// A job's log on the AWS backend: CloudWatch Logs GetLogEvents on the stream AWS names in the
// attempt (`container.logStreamName`), in the log group `/aws/batch/job` unless the job
// definition chose another. To follow a running job, call again with `nextForwardToken`: AWS
// answers the same token back when nothing new has been written yet (reference §5).
import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { z } from "zod";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isTerminal } from "@/lib/batch/states";
import { AppError, notFound } from "@/lib/errors";
import {
  type GetLogEventsInput as ConsoleLogInput,
  type JobLogEvent,
  type JobLogPage,
  logStreamFilter,
} from "@/lib/logs/get-log-events";
import { callLogs } from "./call";
import type { AwsClients } from "./clients";
import { awsClientsFor } from "./for-organization";
import { describeJobs } from "./jobs";

export const DEFAULT_LOG_GROUP = "/aws/batch/job";

export interface GetLogEventsInput {
  logStreamName: string;
  logGroupName?: string;
  /** A nextForwardToken from an earlier call; absent reads from the start of the stream. */
  nextToken?: string;
  /** Events per call, 1–10,000 (AWS's limit; a page also stops at 1 MB). */
  limit?: number;
}

export interface LogEventsPage {
  events: { timestamp: number; message: string; ingestionTime?: number }[];
  nextForwardToken: string | null;
  nextBackwardToken: string | null;
  /** True when AWS handed back the token it was given: nothing new yet. */
  atEnd: boolean;
}

export async function getLogEvents(ctx: OrgContext, input: GetLogEventsInput): Promise<LogEventsPage> {
  const clients = await awsClientsFor(ctx);
  if (!clients) throw new AppError("INVALID_INPUT", "This organization does not run on the AWS backend.");
  return readStream(clients, input);
}

async function readStream(clients: AwsClients, input: GetLogEventsInput): Promise<LogEventsPage> {
  const out = await callLogs(clients, (c) =>
    c.send(
      new GetLogEventsCommand({
        logGroupName: input.logGroupName ?? DEFAULT_LOG_GROUP,
        logStreamName: input.logStreamName,
        // startFromHead must stay true whenever a forward token is passed.
        startFromHead: true,
        ...(input.nextToken ? { nextToken: input.nextToken } : {}),
        ...(input.limit ? { limit: Math.max(1, Math.min(input.limit, 10_000)) } : {}),
      }),
    ),
  );
  const nextForwardToken = out.nextForwardToken ?? null;
  return {
    events: (out.events ?? []).map((e) => ({
      timestamp: e.timestamp ?? 0,
      message: e.message ?? "",
      ...(e.ingestionTime !== undefined ? { ingestionTime: e.ingestionTime } : {}),
    })),
    nextForwardToken,
    nextBackwardToken: out.nextBackwardToken ?? null,
    atEnd: input.nextToken !== undefined && nextForwardToken === input.nextToken,
  };
}

/**
 * The console's token on the AWS backend: CloudWatch's forward token with the number of lines
 * read before it, so each line keeps a sequence number that grows along the log (the live view
 * drops lines it has already shown by it). base64url behind "a.", which lib/logs/sse.ts passes
 * through as a resume point and the built-in reader's digits-only tokens never look like.
 */
const consoleToken = z.object({ t: z.string().min(1).max(2048), n: z.number().int().min(0) });

function encodeConsoleToken(t: string, n: number): string {
  return `a.${Buffer.from(JSON.stringify({ t, n })).toString("base64url")}`;
}

function decodeConsoleToken(token: string): { t: string; n: number } {
  try {
    if (!token.startsWith("a.")) throw new Error("not ours");
    return consoleToken.parse(JSON.parse(Buffer.from(token.slice(2), "base64url").toString("utf8")));
  } catch {
    throw new AppError("INVALID_INPUT", "The log token is not valid.");
  }
}

export const jobLogEventsInput = z.object({
  jobId: z.string().min(1).max(256),
  attempt: z.coerce.number().int().min(1).max(100).optional(),
  stream: logStreamFilter.default("both"),
  startFromHead: z.boolean().default(true),
  nextToken: z.string().max(4096).optional(),
  limit: z.number().int().min(1).max(10_000).default(1_000),
});

/** The attempts of a job as AWS describes them: finished ones, then the one running (if any). */
function streamsOf(job: JobDetail): { logStreamName?: string; over: boolean }[] {
  const out: { logStreamName?: string; over: boolean }[] = job.attempts.map((a) => ({
    logStreamName: a.container.logStreamName,
    over: a.stoppedAt !== undefined && a.stoppedAt !== null,
  }));
  // AWS lists an attempt in `attempts` once it has ended; the current one is the container's.
  const current = (job.container as { logStreamName?: string }).logStreamName;
  if (current && !out.some((a) => a.logStreamName === current)) out.push({ logStreamName: current, over: false });
  return out;
}

function logGroupOf(job: JobDetail): string {
  const config = (job.container as { logConfiguration?: { logDriver?: string; options?: Record<string, string> } })
    .logConfiguration;
  return (config?.logDriver === "awslogs" && config.options?.["awslogs-group"]) || DEFAULT_LOG_GROUP;
}

/**
 * One attempt's log for the console (BatchBackend.getLogEvents), read forward from CloudWatch
 * Logs. AWS's awslogs stream interleaves STDOUT and STDERR without saying which is which, so
 * every line is reported as stdout, and a read of stderr alone is empty. A stream that does not
 * exist yet (the container has not written anything) reads as empty.
 */
export async function getJobLogEvents(clients: AwsClients, ctx: OrgContext, raw: ConsoleLogInput): Promise<JobLogPage> {
  requirePermission(ctx, "resources.view");
  const input = parseInput(jobLogEventsInput, raw);
  if (!input.startFromHead && !input.nextToken) {
    throw new AppError("INVALID_INPUT", "Reading a log from its end is not offered on the AWS backend.");
  }
  const job = (await describeJobs(clients, [input.jobId])).jobs[0];
  if (!job) throw notFound(`Job ${input.jobId}`);
  const streams = streamsOf(job);
  const attempts = streams.map((_, i) => i + 1);
  const number = input.attempt ?? attempts[attempts.length - 1] ?? null;
  const chosen = number === null ? undefined : streams[number - 1];
  const sent = input.nextToken ? decodeConsoleToken(input.nextToken) : null;
  const over = chosen ? chosen.over || isTerminal(job.status) : isTerminal(job.status);
  const empty = (caughtUp: boolean): JobLogPage => ({
    events: [],
    nextForwardToken: input.nextToken ?? "",
    attempt: number,
    attempts,
    caughtUp,
    complete: over && caughtUp,
  });
  if (!chosen?.logStreamName) return empty(true);
  if (input.stream === "stderr") return empty(true);

  let page: LogEventsPage;
  try {
    page = await readStream(clients, {
      logGroupName: logGroupOf(job),
      logStreamName: chosen.logStreamName,
      limit: input.limit,
      ...(sent ? { nextToken: sent.t } : {}),
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return empty(true);
    throw error;
  }
  const before = sent?.n ?? 0;
  const events: JobLogEvent[] = page.events.map((e, i) => ({
    timestamp: e.timestamp,
    stream: "stdout",
    message: e.message.endsWith("\n") ? e.message.slice(0, -1) : e.message,
    seq: before + i,
  }));
  const forward = page.nextForwardToken ?? sent?.t;
  // AWS hands the same token back at the end; an empty page is the end as far as anyone knows.
  const caughtUp = page.atEnd || events.length === 0;
  return {
    events,
    nextForwardToken: forward ? encodeConsoleToken(forward, before + events.length) : (input.nextToken ?? ""),
    attempt: number,
    attempts,
    caughtUp,
    complete: over && caughtUp,
  };
}

// The live log of one job attempt over Server-Sent Events (served by
// app/api/jobs/[jobId]/logs/stream). Each batch of new lines (as runs, sse.ts) goes out with
// `id:` = the forward token after it; a reconnecting EventSource sends that back as
// Last-Event-ID and the stream resumes after it, so nothing is missed or repeated. A comment
// line every HEARTBEAT_MS keeps the connection open; `event: attempt` says which attempt is
// shown and which there are; `event: end` says the attempt is over and every line has been sent
// (the client then closes instead of reconnecting). The stream is closed after MAX_STREAM_MS
// without `end`; the browser reconnects and resumes. Every RECHECK_MS it checks the viewer is
// still signed in and a member: when not (removed, signed out, session expired) it closes, and
// the reconnect is refused.
//
// The stream reads its own pages (getLogEvents) until it has caught up with its attempt; on the
// built-in backend it then follows the attempt through the server's log hub (log-hub.ts), which
// reads for every live tail at once. On AWS it polls on its own.
import { z } from "zod";
import { type OrgContext, stillAllowed } from "@/lib/auth/context";
import type { BatchBackend } from "@/lib/backends/types";
import { logger } from "@/lib/log";
import { getLogEventsInput, type JobLogPage } from "./get-log-events";
// The hub's pace for a stream's own reads too: polled every POLL_MS, its viewer rechecked every
// RECHECK_MS (still signed in, still a member).
import { type HubBatch, type HubCloseReason, logHub, POLL_MS, RECHECK_MS } from "./log-hub";
import { encodeRuns, sseHeartbeat, sseMessage } from "./sse";

/**
 * On the AWS backend each poll is a DescribeJobs and a GetLogEvents call, and CloudWatch Logs
 * allows an account 25 GetLogEvents a second in all: a viewer polls every 2 s there.
 */
const AWS_POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;
const MAX_STREAM_MS = 5 * 60_000;
const BATCH_LINES = 10_000;
const FAILURE = sseMessage({ event: "failure", data: { message: "Reading the log failed; reconnecting." } });
const PERMISSION = "resources.view";

/** The stream's query string: which attempt (the latest when absent), and where to resume. */
export const logStreamQuery = z.object({
  attempt: getLogEventsInput.shape.attempt,
  after: z.string().optional(),
});

export interface LogStreamOptions {
  backend: Pick<BatchBackend, "kind" | "getLogEvents">;
  ctx: OrgContext;
  jobId: string;
  /** The attempt to show; the job's latest when absent. */
  attempt?: number;
  /** The forward token to resume after (sse.ts resumeToken: Last-Event-ID, else ?after=). */
  after?: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/**
 * The stream's response. Its first page is read before the response exists, so an unknown job
 * (or a refused caller) is a plain error status, not an event.
 */
export async function openLogStream(opts: LogStreamOptions): Promise<Response> {
  const first = await readPage(opts, opts.attempt, opts.after);
  let stream: LogStream | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stream = new LogStream(opts, controller);
      return stream.run(first);
    },
    cancel() {
      stream?.stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

const readPage = (opts: LogStreamOptions, attempt: number | undefined, nextToken: string | undefined) =>
  opts.backend.getLogEvents(opts.ctx, { jobId: opts.jobId, attempt, nextToken, limit: BATCH_LINES });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One open stream: what it has sent, and the reads that feed it. */
class LogStream {
  private readonly encoder = new TextEncoder();
  private readonly opened = Date.now();
  private closed = false;
  private lastWrite = Date.now();
  private lastCheck = Date.now();
  /** The attempt and attempt list last announced, so `event: attempt` goes out on a change only. */
  private announced = "";

  constructor(
    private readonly opts: LogStreamOptions,
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
  ) {
    opts.signal.addEventListener("abort", () => this.stop());
  }

  stop() {
    this.closed = true;
    try {
      this.controller.close();
    } catch {
      // already closed by the client going away
    }
  }

  private send(text: string) {
    this.controller.enqueue(this.encoder.encode(text));
    this.lastWrite = Date.now();
  }

  private heartbeatIfIdle() {
    if (Date.now() - this.lastWrite > HEARTBEAT_MS) this.send(sseHeartbeat());
  }

  private expired() {
    return Date.now() - this.opened > MAX_STREAM_MS;
  }

  private announce(attempt: number | null, attempts: number[]) {
    const meta = JSON.stringify([attempt, attempts]);
    if (meta === this.announced) return;
    this.announced = meta;
    this.send(sseMessage({ event: "attempt", data: { attempt, attempts } }));
  }

  /** Catches up page by page, then follows the attempt (through the hub where there is one). */
  async run(first: JobLogPage): Promise<void> {
    const { backend, ctx } = this.opts;
    const pollMs = backend.kind === "aws" ? AWS_POLL_MS : POLL_MS;
    let page = first;
    let token = this.opts.after;
    // The attempt is fixed once known, so a retry of the job does not switch streams.
    let attempt = this.opts.attempt ?? page.attempt ?? undefined;
    this.send("retry: 1000\n\n");
    try {
      while (!this.closed) {
        this.announce(page.attempt, page.attempts);
        // Read on from the returned token even after an empty page: CloudWatch (AWS backend)
        // may move its token past a stretch with no events.
        token = page.nextForwardToken || token;
        if (page.events.length > 0) this.send(sseMessage({ id: token, data: { runs: encodeRuns(page.events) } }));
        if (page.complete) {
          this.send(sseMessage({ event: "end", data: { attempt: page.attempt } }));
          return this.stop();
        }
        if (this.expired()) return this.stop();
        // Caught up with an attempt that exists: the hub follows it from here.
        if (
          backend.kind === "builtin" &&
          page.caughtUp &&
          attempt !== undefined &&
          page.attempt === attempt &&
          page.attempts.includes(attempt)
        ) {
          return await this.followThroughHub(attempt, Number(token ?? 0));
        }
        if (page.caughtUp) {
          await sleep(pollMs);
          this.heartbeatIfIdle();
        }
        if (this.closed) return;
        if (Date.now() - this.lastCheck >= RECHECK_MS) {
          this.lastCheck = Date.now();
          if (!(await stillAllowed(ctx, PERMISSION))) return this.stop();
        }
        page = await readPage(this.opts, attempt, token);
        attempt ??= page.attempt ?? undefined;
      }
    } catch (error) {
      if (!this.closed) {
        logger().error("log stream failed", { component: "web", jobId: this.opts.jobId, error });
        this.send(FAILURE);
        this.stop();
      }
    }
  }

  /** Hands the attempt to the hub, from chunk id `after`, until it ends, expires or is closed. */
  private followThroughHub(attempt: number, after: number): Promise<void> {
    const { ctx, jobId, signal } = this.opts;
    return new Promise<void>((resolve) => {
      const finish = () => {
        unsubscribe();
        clearInterval(timer);
        signal.removeEventListener("abort", finish);
        this.stop();
        resolve();
      };
      const timer = setInterval(() => {
        if (this.closed || this.expired()) finish();
        else this.heartbeatIfIdle();
      }, 1_000);
      signal.addEventListener("abort", finish);
      const unsubscribe = logHub(ctx.db).subscribe({
        ctx,
        permission: PERMISSION,
        jobId,
        attempt,
        after,
        onBatch: (b: HubBatch) => {
          if (this.closed) return finish();
          this.announce(attempt, b.attempts);
          if (b.events.length > 0) this.send(sseMessage({ id: b.token, data: { runs: encodeRuns(b.events) } }));
          if (b.complete) {
            this.send(sseMessage({ event: "end", data: { attempt } }));
            finish();
          }
        },
        onClose: (reason: HubCloseReason) => {
          if (reason !== "denied" && !this.closed) this.send(FAILURE);
          finish();
        },
      });
      if (this.closed) finish();
    });
  }
}

// The live log of one job attempt over Server-Sent Events. Each batch of new lines (as runs,
// lib/logs/sse.ts) goes out with `id:` = the forward token after it; a reconnecting EventSource
// sends that back as Last-Event-ID and the stream resumes after it, so nothing is missed or
// repeated. A comment line every HEARTBEAT_MS keeps the connection open; `event: end` says the
// attempt is over and every line has been sent (the client then closes instead of
// reconnecting). The stream is closed after MAX_STREAM_MS without `end`; the browser reconnects
// and resumes. Every RECHECK_MS it checks the viewer is still signed in and a member: when not
// (removed, signed out, session expired) it closes, and the reconnect is refused.
//
// The stream reads its own pages (getLogEvents) until it has caught up with its attempt; on the
// built-in backend it then follows the attempt through the server's log hub
// (lib/logs/log-hub.ts), which reads for every live tail at once. On AWS it polls on its own.
import { z } from "zod";
import { stillAllowed } from "@/lib/auth/context";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { logger } from "@/lib/log";
import { getLogEventsInput } from "@/lib/logs/get-log-events";
// The hub's pace for a stream's own reads too: polled every POLL_MS, its viewer rechecked every
// RECHECK_MS (still signed in, still a member).
import { type HubBatch, type HubCloseReason, logHub, POLL_MS, RECHECK_MS } from "@/lib/logs/log-hub";
import { encodeRuns, resumeToken, sseHeartbeat, sseMessage } from "@/lib/logs/sse";

export const dynamic = "force-dynamic";

/**
 * On the AWS backend each poll is a DescribeJobs and a GetLogEvents call, and CloudWatch Logs
 * allows an account 25 GetLogEvents a second in all: a viewer polls every 2 s there.
 */
const AWS_POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;
const MAX_STREAM_MS = 5 * 60_000;
const BATCH_LINES = 10_000;
const FAILURE = sseMessage({ event: "failure", data: { message: "Reading the log failed; reconnecting." } });

const query = z.object({
  attempt: getLogEventsInput.shape.attempt,
  after: z.string().optional(),
});

export async function GET(req: Request, { params }: { params: Promise<{ jobId: string }> }): Promise<Response> {
  const { jobId } = await params;
  return orgRoute({ permission: "resources.view", query }, async (request, ctx, q) => {
    const backend = await backendFor(ctx);
    const pollMs = backend.kind === "aws" ? AWS_POLL_MS : POLL_MS;
    let token = resumeToken(request.headers.get("last-event-id"), q.after);
    // The first read happens before the stream opens, so an unknown job is a plain 404.
    let page = await backend.getLogEvents(ctx, { jobId, attempt: q.attempt, nextToken: token, limit: BATCH_LINES });
    const encoder = new TextEncoder();
    const opened = Date.now();
    let closed = false;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let lastWrite = Date.now();
        let lastCheck = Date.now();
        let attempts = "";
        const send = (text: string) => {
          controller.enqueue(encoder.encode(text));
          lastWrite = Date.now();
        };
        const stop = () => {
          closed = true;
          try {
            controller.close();
          } catch {
            // already closed by the client going away
          }
        };
        request.signal.addEventListener("abort", stop);
        send(`retry: 1000\n\n`);
        const followThroughHub = (attempt: number, after: number) =>
          new Promise<void>((resolve) => {
            const finish = () => {
              unsubscribe();
              clearInterval(timer);
              request.signal.removeEventListener("abort", finish);
              stop();
              resolve();
            };
            const timer = setInterval(() => {
              if (closed || Date.now() - opened > MAX_STREAM_MS) finish();
              else if (Date.now() - lastWrite > HEARTBEAT_MS) send(sseHeartbeat());
            }, 1_000);
            request.signal.addEventListener("abort", finish);
            const unsubscribe = logHub(ctx.db).subscribe({
              ctx,
              permission: "resources.view",
              jobId,
              attempt,
              after,
              onBatch(b: HubBatch) {
                if (closed) return finish();
                const meta = JSON.stringify([attempt, b.attempts]);
                if (meta !== attempts) {
                  attempts = meta;
                  send(sseMessage({ event: "attempt", data: { attempt, attempts: b.attempts } }));
                }
                if (b.events.length > 0) send(sseMessage({ id: b.token, data: { runs: encodeRuns(b.events) } }));
                if (b.complete) {
                  send(sseMessage({ event: "end", data: { attempt } }));
                  finish();
                }
              },
              onClose(reason: HubCloseReason) {
                if (reason !== "denied" && !closed) {
                  send(FAILURE);
                }
                finish();
              },
            });
            if (closed) finish();
          });
        try {
          // The attempt is fixed once known, so a retry of the job does not switch streams.
          let attempt = q.attempt ?? page.attempt ?? undefined;
          while (!closed) {
            const meta = JSON.stringify([page.attempt, page.attempts]);
            if (meta !== attempts) {
              attempts = meta;
              send(sseMessage({ event: "attempt", data: { attempt: page.attempt, attempts: page.attempts } }));
            }
            // Read on from the returned token even after an empty page: CloudWatch (AWS backend)
            // may move its token past a stretch with no events.
            token = page.nextForwardToken || token;
            if (page.events.length > 0) {
              send(sseMessage({ id: token, data: { runs: encodeRuns(page.events) } }));
            }
            if (page.complete) {
              send(sseMessage({ event: "end", data: { attempt: page.attempt } }));
              stop();
              break;
            }
            if (Date.now() - opened > MAX_STREAM_MS) {
              stop();
              break;
            }
            // Caught up with an attempt that exists: the hub follows it from here.
            if (
              backend.kind === "builtin" &&
              page.caughtUp &&
              attempt !== undefined &&
              page.attempt === attempt &&
              page.attempts.includes(attempt)
            ) {
              await followThroughHub(attempt, Number(token ?? 0));
              break;
            }
            if (page.caughtUp) {
              await new Promise((r) => setTimeout(r, pollMs));
              if (Date.now() - lastWrite > HEARTBEAT_MS) send(sseHeartbeat());
            }
            if (closed) break;
            if (Date.now() - lastCheck >= RECHECK_MS) {
              lastCheck = Date.now();
              if (!(await stillAllowed(ctx, "resources.view"))) {
                stop();
                break;
              }
            }
            page = await backend.getLogEvents(ctx, { jobId, attempt, nextToken: token, limit: BATCH_LINES });
            attempt ??= page.attempt ?? undefined;
          }
        } catch (error) {
          if (!closed) {
            logger().error("log stream failed", { component: "web", jobId, error });
            send(FAILURE);
            stop();
          }
        }
      },
      cancel() {
        closed = true;
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  })(req);
}

// The whole log of one attempt as plain text, streamed page by page so a large log never sits
// in the server's memory. ?stream=stdout|stderr|both (default both); ?timestamps=1 prefixes
// each line with its ISO time and stream. For a running job it holds what was written so far.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { jobRouteParams } from "@/lib/jobs/job-route-params";
import { getLogEventsInput, logStreamFilter } from "@/lib/logs/get-log-events";

export const dynamic = "force-dynamic";

const PAGE_LINES = 10_000;

const query = z.object({
  attempt: getLogEventsInput.shape.attempt,
  stream: logStreamFilter.default("both"),
  timestamps: z.enum(["0", "1"]).default("0"),
});

export const GET = orgRoute(
  { permission: "resources.view", query, params: jobRouteParams },
  async ({ ctx, query: q, params: { jobId } }) => {
    const backend = await backendFor(ctx);
    const read = { jobId, attempt: q.attempt, stream: q.stream, limit: PAGE_LINES };
    let page = await backend.getLogEvents(ctx, read);
    const attempt = page.attempt;
    const encoder = new TextEncoder();
    // Open partial line per stream: a line split across chunks is written as one line.
    let openStream: string | null = null;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let text = "";
        for (const e of page.events) {
          if (openStream && openStream !== e.stream) text += "\n";
          const continuing = openStream === e.stream;
          if (!continuing && q.timestamps === "1") text += `${new Date(e.timestamp).toISOString()} ${e.stream} `;
          text += e.message;
          if (e.partial) openStream = e.stream;
          else {
            text += "\n";
            openStream = null;
          }
        }
        if (text) controller.enqueue(encoder.encode(text));
        if (page.caughtUp) {
          if (openStream) controller.enqueue(encoder.encode("\n"));
          controller.close();
          return;
        }
        page = await backend.getLogEvents(ctx, {
          ...read,
          attempt: attempt ?? undefined,
          nextToken: page.nextForwardToken,
        });
      },
    });
    const name = `${jobId.replace(/[^A-Za-z0-9_.-]/g, "_")}-attempt-${attempt ?? 0}${q.stream === "both" ? "" : `-${q.stream}`}.log`;
    return new Response(body, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  },
);

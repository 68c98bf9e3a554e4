// The live log of one job attempt over Server-Sent Events (lib/logs/log-stream.ts).
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { jobRouteParams } from "@/lib/jobs/job-route-params";
import { logStreamQuery, openLogStream } from "@/lib/logs/log-stream";
import { resumeToken } from "@/lib/logs/sse";

export const dynamic = "force-dynamic";

export const GET = orgRoute(
  { permission: "resources.view", query: logStreamQuery, params: jobRouteParams },
  async ({ req, ctx, query, params }) =>
    openLogStream({
      backend: await backendFor(ctx),
      ctx,
      jobId: params.jobId,
      attempt: query.attempt,
      after: resumeToken(req.headers.get("last-event-id"), query.after),
      signal: req.signal,
    }),
);

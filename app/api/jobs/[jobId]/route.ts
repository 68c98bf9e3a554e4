// One job's detail page data (lib/jobs/console-job-view.ts), polled while the job is not finished.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { notFound } from "@/lib/errors";
import { loadJobView } from "@/lib/jobs/console-job-view";
import { jobRouteParams } from "@/lib/jobs/job-route-params";

export const dynamic = "force-dynamic";

export const GET = orgRoute(
  { permission: "resources.view", query: z.object({}), params: jobRouteParams },
  async ({ ctx, params: { jobId } }) => {
    const view = await loadJobView(await backendFor(ctx), ctx, jobId);
    if (!view) throw notFound(`Job ${jobId}`);
    return view;
  },
);

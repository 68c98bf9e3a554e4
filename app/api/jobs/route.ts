// The job list's live data: one page of jobs for the URL's filter (or one array job's
// children), polled by the jobs page at refreshIntervals.live.
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { jobListQuerySchema, PAGE_SIZE, toListInput } from "@/lib/jobs/console-filter";

export const dynamic = "force-dynamic";

export const GET = orgRoute({ permission: "resources.view", query: jobListQuerySchema }, async (_req, ctx, query) => {
  const backend = await backendFor(ctx);
  return backend.listJobsForConsole(ctx, {
    ...toListInput(query),
    arrayJobId: query.arrayJobId,
    cursor: query.cursor,
    before: query.back,
    limit: query.limit ?? PAGE_SIZE,
  });
});

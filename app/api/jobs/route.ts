// The job list's live data: one page of jobs for the URL's filter (or one array job's
// children), polled by the jobs page at refreshIntervals.live.
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { jobListQuerySchema, PAGE_SIZE, toListInput } from "@/lib/jobs/console-filter";
import { sharedRead } from "@/lib/shared-read";

/**
 * Every open jobs page polls this; one read per second per user and query is shared
 * (lib/shared-read.ts). Per user: a row says whether the caller submitted it.
 */
const SHARED_MS = 1_000;

export const dynamic = "force-dynamic";

export const GET = orgRoute({ permission: "resources.view", query: jobListQuerySchema }, async ({ ctx, query }) => {
  const backend = await backendFor(ctx);
  const input = {
    ...toListInput(query, ctx.user.id),
    ...(query.sort ? { sort: query.sort } : {}),
    arrayJobId: query.arrayJobId,
    cursor: query.cursor,
    before: query.back,
    limit: query.limit ?? PAGE_SIZE,
  };
  return sharedRead(ctx.organizationId, `jobs ${backend.kind} ${ctx.user.id} ${JSON.stringify(input)}`, SHARED_MS, () =>
    backend.listJobsForConsole(ctx, input),
  );
});

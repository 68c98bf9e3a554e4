// How many jobs a filter matches, for "Cancel 37 jobs?" before a bulk action by filter.
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { jobFilterSchema, toListInput } from "@/lib/jobs/console-filter";

export const dynamic = "force-dynamic";

export const GET = orgRoute(
  { permission: "resources.view", query: jobFilterSchema },
  async ({ ctx, query: filter }) => {
    const backend = await backendFor(ctx);
    return backend.countJobsForConsole(ctx, toListInput(filter, ctx.user.id));
  },
);

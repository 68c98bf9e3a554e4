// The dashboard's "Right now" (lib/metrics/right-now.ts), polled by React Query
// (refreshIntervals.live) like the other live views.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { rightNow } from "@/lib/metrics/right-now";

export const dynamic = "force-dynamic";

export const GET = orgRoute({ permission: "resources.view", query: z.object({}) }, async ({ ctx }) =>
  rightNow(ctx, await backendFor(ctx)),
);

// The dashboard's live data: GET ?range=15m|1h|6h|24h|7d, aggregated on the server by the
// organization's backend and polled by React Query (refreshIntervals.dashboard).
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { DEFAULT_RANGE, RANGE_KEYS, rangeWindow } from "@/lib/metrics/ranges";

export const dynamic = "force-dynamic";

const query = z.object({ range: z.enum(RANGE_KEYS).default(DEFAULT_RANGE) });

export const GET = orgRoute({ permission: "resources.view", query }, async (_req, ctx, q) => {
  const backend = await backendFor(ctx);
  return backend.getMetricSeries(ctx, rangeWindow(q.range, Date.now()));
});

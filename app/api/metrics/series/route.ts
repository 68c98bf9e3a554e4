// The dashboard's live data: GET ?range=15m|1h|6h|24h|7d, aggregated on the server by the
// organization's backend and polled by React Query (refreshIntervals.dashboard).
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { DEFAULT_RANGE, RANGE_KEYS, rangeWindow } from "@/lib/metrics/ranges";
import { sharedRead } from "@/lib/shared-read";

/** Every open dashboard polls this; one aggregation per 2 s per range is shared (lib/shared-read.ts). */
const SHARED_MS = 2_000;

export const dynamic = "force-dynamic";

const query = z.object({ range: z.enum(RANGE_KEYS).default(DEFAULT_RANGE) });

export const GET = orgRoute({ permission: "resources.view", query }, async ({ ctx, query: q }) => {
  const backend = await backendFor(ctx);
  return sharedRead(ctx.organizationId, `series ${backend.kind} ${q.range}`, SHARED_MS, () =>
    backend.getMetricSeries(ctx, rangeWindow(q.range, Date.now())),
  );
});

import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { serveMetrics } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

/**
 * Prometheus scrape endpoint for the operator: a bearer token from BATCHDECK_METRICS_TOKEN;
 * 404 when none is configured. Not a tenant's view: totals only (lib/metrics/prometheus.ts).
 */
export async function GET(req: Request): Promise<Response> {
  try {
    return await serveMetrics(req, db(), env().BATCHDECK_METRICS_TOKEN);
  } catch (error) {
    logger().error("metrics scrape failed", { component: "web", error });
    return new Response("Internal error\n", { status: 500, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}

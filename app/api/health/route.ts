import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { serveHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Public liveness and readiness; the leader's details for the operator's metrics token (lib/health.ts). */
export async function GET(req: Request): Promise<Response> {
  return serveHealth(req, db(), env().BATCHDECK_METRICS_TOKEN);
}

import { jsonResponse } from "@/lib/auth/route";
import { db } from "@/lib/db";
import { readHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Public liveness and readiness: 200 while the database answers, 503 when it does not. */
export async function GET(): Promise<Response> {
  const health = await readHealth(db());
  return jsonResponse(health, health.database === "ok" ? 200 : 503);
}

// What GET /api/health reports: whether the database answers and how fresh the engine's
// heartbeat is. Nothing about tenants or configuration.
import type { Db } from "@/lib/db";

/** An engine whose heartbeat is older than this is reported as not responding. */
export const ENGINE_STALE_MS = 15_000;

export interface Health {
  status: "ok" | "degraded";
  database: "ok" | "unreachable";
  engine: { status: "ok" | "stale" | "none"; lastHeartbeat: number | null; ageSeconds: number | null };
}

export async function readHealth(db: Db): Promise<Health> {
  try {
    const lease = await db.engineLease.findUnique({ where: { name: "leader" }, select: { heartbeatAt: true } });
    const last = lease ? Number(lease.heartbeatAt) : null;
    const age = last === null ? null : Date.now() - last;
    const engine = last === null ? "none" : (age ?? 0) > ENGINE_STALE_MS ? "stale" : "ok";
    return {
      status: engine === "stale" ? "degraded" : "ok",
      database: "ok",
      engine: { status: engine, lastHeartbeat: last, ageSeconds: age === null ? null : Math.round(age / 1000) },
    };
  } catch {
    return {
      status: "degraded",
      database: "unreachable",
      engine: { status: "none", lastHeartbeat: null, ageSeconds: null },
    };
  }
}

// What GET /api/health reports: whether the database answers, which engine leads and how fresh
// its heartbeat is. Nothing about tenants or configuration: the engine id is the leader's own
// name (`host-pid-random`, or BATCHDECK_ENGINE_ID), so an operator with several engines sees
// which one leads and when it took over.
import type { Db } from "@/lib/db";

/** An engine whose heartbeat is older than this is reported as not responding. */
export const ENGINE_STALE_MS = 15_000;

export interface Health {
  status: "ok" | "degraded";
  database: "ok" | "unreachable";
  engine: {
    status: "ok" | "stale" | "none";
    /** The id of the engine holding leadership (the last one, when stale). */
    leader: string | null;
    /** When that engine took the lead, epoch milliseconds. */
    leaderSince: number | null;
    lastHeartbeat: number | null;
    ageSeconds: number | null;
  };
}

const NO_ENGINE = { status: "none", leader: null, leaderSince: null, lastHeartbeat: null, ageSeconds: null } as const;

export async function readHealth(db: Db): Promise<Health> {
  try {
    const lease = await db.engineLease.findUnique({
      where: { name: "leader" },
      select: { heartbeatAt: true, holder: true, acquiredAt: true },
    });
    if (!lease) return { status: "ok", database: "ok", engine: { ...NO_ENGINE } };
    const last = Number(lease.heartbeatAt);
    const age = Date.now() - last;
    const engine = age > ENGINE_STALE_MS ? "stale" : "ok";
    return {
      status: engine === "stale" ? "degraded" : "ok",
      database: "ok",
      engine: {
        status: engine,
        leader: lease.holder,
        leaderSince: Number(lease.acquiredAt),
        lastHeartbeat: last,
        ageSeconds: Math.round(age / 1000),
      },
    };
  } catch {
    return { status: "degraded", database: "unreachable", engine: { ...NO_ENGINE } };
  }
}

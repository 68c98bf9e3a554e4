// What GET /api/health reports. Anyone may ask whether the database answers and whether an
// engine leads with a fresh heartbeat (a load balancer's question); which engine leads (its id
// names the host and process: `host-pid-random`, or BATCHDECK_ENGINE_ID), since when, and its
// executors are the operator's, for the bearer token of BATCHDECK_METRICS_TOKEN, as /api/metrics.
import type { Db } from "@/lib/db";
import { parseEngineStats } from "@/lib/metrics/engine-stats";
import { tokenMatches } from "@/lib/metrics/prometheus";

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
    /**
     * Which executors the leader has: `container` names the runtime ("podman 4.3.1") or is null;
     * `default` is what an environment without a `batchdeck:executor` tag uses. Null until the
     * leader has looked.
     */
    executors: { container: string | null; process: boolean; default: "container" | "process" | null } | null;
  };
}

const NO_ENGINE = {
  status: "none",
  leader: null,
  leaderSince: null,
  lastHeartbeat: null,
  ageSeconds: null,
  executors: null,
} as const;

export async function readHealth(db: Db): Promise<Health> {
  try {
    const lease = await db.engineLease.findUnique({
      where: { name: "leader" },
      select: { heartbeatAt: true, holder: true, acquiredAt: true, stats: true },
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
        executors: executorsOf(lease.stats),
      },
    };
  } catch {
    return { status: "degraded", database: "unreachable", engine: { ...NO_ENGINE } };
  }
}

function executorsOf(stats: string): Health["engine"]["executors"] {
  const executors = parseEngineStats(stats)?.executors;
  if (!executors) return null;
  return {
    container: executors.container.available ? (executors.container.runtime ?? "available") : null,
    process: executors.process.available,
    default: executors.default,
  };
}

/** What anyone is told: no engine id, host, process or executor. */
export interface PublicHealth {
  status: Health["status"];
  database: Health["database"];
  engine: { status: Health["engine"]["status"]; ageSeconds: number | null };
}

export function publicHealth(h: Health): PublicHealth {
  return {
    status: h.status,
    database: h.database,
    engine: { status: h.engine.status, ageSeconds: h.engine.ageSeconds },
  };
}

/**
 * GET /api/health: 200 while the database answers, 503 when it does not; the whole report for
 * the operator's bearer token (BATCHDECK_METRICS_TOKEN), the public part for everyone else.
 */
export async function serveHealth(req: Request, db: Db, token: string | undefined): Promise<Response> {
  const health = await readHealth(db);
  const match = /^Bearer (.+)$/i.exec((req.headers.get("authorization") ?? "").trim());
  const operator = token !== undefined && match !== null && tokenMatches(match[1]!, token);
  return new Response(JSON.stringify(operator ? health : publicHealth(health)), {
    status: health.database === "ok" ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

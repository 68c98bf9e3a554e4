// Which executors and which machine the leading engine has, as it publishes them with its heartbeat
// (EngineLease "leader" row, engine/stats.ts): null while no engine has led, or when the leader's
// heartbeat is stale (an engine that is gone says nothing about what runs jobs now).
import type { DbOrTx } from "@/lib/db";
import { ENGINE_STALE_MS } from "@/lib/health";
import { type EngineExecutors, type EngineHost, parseEngineStats } from "@/lib/metrics/engine-stats";

async function leaderStats(db: DbOrTx, now: number) {
  const lease = await db.engineLease.findUnique({
    where: { name: "leader" },
    select: { stats: true, heartbeatAt: true },
  });
  if (!lease || now - Number(lease.heartbeatAt) > ENGINE_STALE_MS) return null;
  return parseEngineStats(lease.stats);
}

export async function readEngineExecutors(db: DbOrTx, now = Date.now()): Promise<EngineExecutors | null> {
  return (await leaderStats(db, now))?.executors ?? null;
}

/** The leading engine's machine (cores, overcommit, vCPUs and memory it hands out), if one leads. */
export async function readEngineHost(db: DbOrTx, now = Date.now()): Promise<EngineHost | null> {
  return (await leaderStats(db, now))?.host ?? null;
}

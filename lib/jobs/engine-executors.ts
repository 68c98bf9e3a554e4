// Which executors the leading engine has, as it publishes them with its heartbeat
// (EngineLease "leader" row, engine/stats.ts): null while no engine has led, or when the leader's
// heartbeat is stale (an engine that is gone says nothing about what runs jobs now).
import type { DbOrTx } from "@/lib/db";
import { ENGINE_STALE_MS } from "@/lib/health";
import { type EngineExecutors, parseEngineStats } from "@/lib/metrics/engine-stats";

export async function readEngineExecutors(db: DbOrTx, now = Date.now()): Promise<EngineExecutors | null> {
  const lease = await db.engineLease.findUnique({
    where: { name: "leader" },
    select: { stats: true, heartbeatAt: true },
  });
  if (!lease || now - Number(lease.heartbeatAt) > ENGINE_STALE_MS) return null;
  return parseEngineStats(lease.stats)?.executors ?? null;
}

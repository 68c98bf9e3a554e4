// Exactly one engine leads (schedules and runs jobs); others wait and take over when it dies.
//
// - PostgreSQL: a session advisory lock held on a dedicated connection. The server releases it
//   the moment that connection dies, so a crashed leader is replaced within one poll.
// - SQLite: the EngineLease row "leader", renewed every leaseRenewMs and taken over once it has
//   not been renewed for leaseTtlMs. A leader that fails to renew in time steps down itself.
//
// Either way the leader writes its heartbeat into the "leader" row (read by /api/health), with
// its figures (engine/stats.ts) for /api/metrics; a new holder replaces the previous one's.
import pg from "pg";
import { Prisma } from "@/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import type { EngineLog } from "@/lib/log";

/** Arbitrary but fixed: the advisory lock key every Batchdeck engine contends for. */
const ADVISORY_KEY = 7_310_431_902;
export const LEADER = "leader";

export interface LeadershipConfig {
  db: Db;
  provider: "sqlite" | "postgresql";
  databaseUrl?: string;
  engineId: string;
  leaseRenewMs: number;
  leaseTtlMs: number;
  log: EngineLog;
  /** The engine's figures as JSON (engine/stats.ts), written with every heartbeat. */
  stats?: () => string;
}

export interface Leadership {
  /** Resolves once this engine leads; rejects if stop() is called first. */
  acquire(): Promise<void>;
  /** Called (once per term) when leadership is lost. */
  onLost(fn: () => void): void;
  isLeader(): boolean;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createLeadership(config: LeadershipConfig): Leadership {
  let leader = false;
  let stopped = false;
  let lostHandler: () => void = () => {};
  let renewTimer: NodeJS.Timeout | null = null;
  let client: pg.Client | null = null;
  let lastRenewed = 0;

  const lose = (why: string) => {
    if (!leader) return;
    leader = false;
    if (renewTimer) clearInterval(renewTimer);
    config.log("lost leadership", { level: "warn", reason: why });
    lostHandler();
  };

  // The renewal and the standby's read run every leaseRenewMs, so they are direct statements
  // (lib/db/direct.ts): through Prisma's client each cost more CPU than an idle second has.
  async function heartbeat(now: number) {
    const expiresAt = now + config.leaseTtlMs;
    const stats = config.stats ? Prisma.sql`, "stats" = ${config.stats()}` : Prisma.empty;
    const changed = await direct(config.db).$executeRaw`
      UPDATE "EngineLease" SET "heartbeatAt" = ${now}, "expiresAt" = ${expiresAt} ${stats}
      WHERE "name" = ${LEADER} AND "holder" = ${config.engineId}`;
    return changed === 1;
  }

  async function trySqlite(): Promise<boolean> {
    const now = Date.now();
    // A standby asks every leaseRenewMs: one read while another engine's lease is good, instead
    // of three writes that fail (bench/idle-cost.ts: the standby cost more than the idle leader).
    const [lease] = await direct(config.db).$queryRaw<{ holder: string; expiresAt: number | bigint }[]>`
      SELECT "holder", "expiresAt" FROM "EngineLease" WHERE "name" = ${LEADER}`;
    if (lease && lease.holder !== config.engineId && Number(lease.expiresAt) >= now) return false;
    if (await heartbeat(now)) return true;
    const taken = await config.db.engineLease.updateMany({
      where: { name: LEADER, expiresAt: { lt: now } },
      data: {
        holder: config.engineId,
        acquiredAt: now,
        heartbeatAt: now,
        expiresAt: now + config.leaseTtlMs,
        stats: config.stats?.() ?? "{}",
      },
    });
    if (taken.count === 1) return true;
    try {
      await config.db.engineLease.create({
        data: {
          name: LEADER,
          holder: config.engineId,
          acquiredAt: now,
          heartbeatAt: now,
          expiresAt: now + config.leaseTtlMs,
          stats: config.stats?.() ?? "{}",
        },
      });
      return true;
    } catch {
      return false; // someone else holds it
    }
  }

  async function tryPostgres(): Promise<boolean> {
    if (!client) {
      client = new pg.Client({ connectionString: config.databaseUrl });
      client.on("error", (e) => lose(`lock connection: ${e.message}`));
      client.on("end", () => lose("lock connection closed"));
      await client.connect();
    }
    const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [ADVISORY_KEY]);
    if (!r.rows[0]?.ok) return false;
    const now = Date.now();
    await config.db.engineLease.upsert({
      where: { name: LEADER },
      create: {
        name: LEADER,
        holder: config.engineId,
        acquiredAt: now,
        heartbeatAt: now,
        expiresAt: now + config.leaseTtlMs,
        stats: config.stats?.() ?? "{}",
      },
      update: {
        holder: config.engineId,
        acquiredAt: now,
        heartbeatAt: now,
        expiresAt: now + config.leaseTtlMs,
        stats: config.stats?.() ?? "{}",
      },
    });
    return true;
  }

  // On a busy host a renewal can outlast the interval; overlapping ones would queue queries on
  // the one lock connection and renew from stale readings, so a tick that finds one in flight
  // skips.
  let renewing = false;
  async function renew() {
    if (renewing) return;
    renewing = true;
    try {
      await renewOnce();
    } finally {
      renewing = false;
    }
  }

  async function renewOnce() {
    const now = Date.now();
    try {
      if (config.provider === "postgresql") {
        // The lock is only as alive as its connection: ask it.
        await client!.query("SELECT 1");
        await heartbeat(now);
        lastRenewed = now;
        return;
      }
      if (await heartbeat(now)) {
        lastRenewed = now;
        return;
      }
      lose("the lease was taken over");
    } catch (error) {
      if (Date.now() - lastRenewed > config.leaseTtlMs) lose(`could not renew: ${String(error)}`);
    }
  }

  return {
    async acquire() {
      while (!stopped) {
        try {
          const ok = config.provider === "postgresql" ? await tryPostgres() : await trySqlite();
          if (ok && !stopped) {
            leader = true;
            lastRenewed = Date.now();
            renewTimer = setInterval(() => void renew(), config.leaseRenewMs);
            return;
          }
        } catch (error) {
          config.log("leadership attempt failed", { level: "warn", error });
          if (client) {
            client.removeAllListeners("end");
            await client.end().catch(() => {});
            client = null;
          }
        }
        await sleep(config.leaseRenewMs);
      }
      throw new Error("stopped");
    },
    onLost(fn) {
      lostHandler = fn;
    },
    isLeader: () => leader,
    async stop() {
      stopped = true;
      const was = leader;
      leader = false;
      if (renewTimer) clearInterval(renewTimer);
      if (config.provider === "sqlite" && was) {
        // Let a standby take over at once instead of waiting for the lease to expire.
        await config.db.engineLease
          .updateMany({ where: { name: LEADER, holder: config.engineId }, data: { expiresAt: 0 } })
          .catch(() => {});
      }
      if (client) {
        client.removeAllListeners("end");
        client.removeAllListeners("error");
        client.on("error", () => {});
        await client.end().catch(() => {});
        client = null;
      }
    },
  };
}

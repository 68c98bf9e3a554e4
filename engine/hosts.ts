// Engines on several machines (the hosted topology): which machine each engine runs on, whether
// it is alive, and whether a machine has stopped what a dead engine of it left running.
//
// An engine process can die while its machine stays up: its containers (supervised by the
// runtime) and processes keep running there. The leader that takes over elsewhere cannot see
// them, so it must not retry those attempts until they are known dead:
//
//   engine E on machine H dies ─▶ leader L (machine ≠ H) defers E's attempts
//   an engine on H (E restarted by its supervisor, or a standby there) sees the leader is elsewhere
//     and stops every attempt of a dead engine of H ─▶ marks H clean (after E's last heartbeat)
//   L recovers E's attempts (host-terminated, retried per their strategy) once H is clean, or
//     once no engine of H has been heard from for `hostDeadMs` (the machine itself is gone)
//
// On the leader's own machine nothing waits: it kills or adopts what is there (recovery.ts,
// containers/adopt.ts). Rows live in EngineLease beside the leader's: "engine:<id>" (holder = the
// machine, heartbeatAt = the engine's last sign of life) and "host:<machine>" (holder = the engine
// that cleaned it, heartbeatAt = when).
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import { LEADER } from "./leadership";

const engineRow = (engineId: string) => `engine:${engineId}`;
const hostRow = (hostId: string) => `host:${hostId}`;

/** An engine not heard from for this many lease lifetimes is dead. */
const DEAD_AFTER_TTLS = 2;

export interface HostsConfig {
  db: Db;
  engineId: string;
  hostId: string;
  leaseTtlMs: number;
  /** After this long without any engine of a machine alive, the machine is presumed gone. */
  hostDeadMs: number;
}

export class Hosts {
  constructor(private readonly c: HostsConfig) {}

  /** This engine's sign of life (every engine, leader or standby, every lease renewal). */
  async heartbeat(now = Date.now()): Promise<void> {
    // Every leaseRenewMs: a direct statement (lib/db/direct.ts), as the leader's renewal.
    const name = engineRow(this.c.engineId);
    const expiresAt = now + this.c.leaseTtlMs;
    await direct(this.c.db).$executeRaw`
      INSERT INTO "EngineLease" ("name", "holder", "acquiredAt", "heartbeatAt", "expiresAt", "stats")
      VALUES (${name}, ${this.c.hostId}, ${now}, ${now}, ${expiresAt}, '{}')
      ON CONFLICT ("name") DO UPDATE SET "heartbeatAt" = ${now}, "expiresAt" = ${expiresAt}`;
  }

  /** Every attempt of a dead engine of this machine has been stopped, as of now. */
  async markClean(now = Date.now()): Promise<void> {
    const name = hostRow(this.c.hostId);
    await this.c.db.engineLease.upsert({
      where: { name },
      create: { name, holder: this.c.engineId, acquiredAt: now, heartbeatAt: now, expiresAt: now },
      update: { holder: this.c.engineId, heartbeatAt: now },
    });
  }

  /** The leader's engine id and machine, or null while none leads (or its heartbeat is stale). */
  async leader(now = Date.now()): Promise<{ engineId: string; hostId: string | null } | null> {
    const lease = await this.c.db.engineLease.findUnique({ where: { name: LEADER } });
    if (!lease || lease.expiresAt < now - this.c.leaseTtlMs) return null;
    const engine = await this.c.db.engineLease.findUnique({ where: { name: engineRow(lease.holder) } });
    return { engineId: lease.holder, hostId: engine?.holder ?? null };
  }

  /** The machine and last heartbeat of each of these engines (unknown engines are left out). */
  async engines(engineIds: string[]): Promise<Map<string, { hostId: string; heartbeatAt: number }>> {
    if (engineIds.length === 0) return new Map();
    const rows = await this.c.db.engineLease.findMany({
      where: { name: { in: engineIds.map(engineRow) } },
      select: { name: true, holder: true, heartbeatAt: true },
    });
    return new Map(
      rows.map((r) => [r.name.slice("engine:".length), { hostId: r.holder, heartbeatAt: Number(r.heartbeatAt) }]),
    );
  }

  isDead(heartbeatAt: number, now = Date.now()): boolean {
    return now - heartbeatAt > this.c.leaseTtlMs * DEAD_AFTER_TTLS;
  }

  /**
   * Whether the attempts of `engineId` may be recovered now by the leader running here: on this
   * machine at once; elsewhere once that machine has been cleaned after the engine's last sign of
   * life, or has been silent for hostDeadMs. Engines without a row (started before rows were
   * kept) are treated as this machine's, as before.
   */
  async recoverableNow(engineIds: string[], now = Date.now()): Promise<Set<string>> {
    const known = await this.engines(engineIds);
    const out = new Set<string>();
    const remote = new Map<string, string[]>();
    for (const id of engineIds) {
      const e = known.get(id);
      if (!e || e.hostId === this.c.hostId) out.add(id);
      else remote.set(e.hostId, [...(remote.get(e.hostId) ?? []), id]);
    }
    if (remote.size === 0) return out;
    const hosts = [...remote.keys()];
    const [cleaned, alive] = await Promise.all([
      this.c.db.engineLease.findMany({ where: { name: { in: hosts.map(hostRow) } } }),
      this.c.db.engineLease.findMany({
        where: { name: { startsWith: "engine:" }, holder: { in: hosts } },
        select: { holder: true, heartbeatAt: true },
      }),
    ]);
    const cleanedAt = new Map(cleaned.map((r) => [r.name.slice("host:".length), Number(r.heartbeatAt)]));
    const lastHeard = new Map<string, number>();
    for (const r of alive) lastHeard.set(r.holder, Math.max(lastHeard.get(r.holder) ?? 0, Number(r.heartbeatAt)));
    for (const [hostId, ids] of remote) {
      const gone = now - (lastHeard.get(hostId) ?? 0) > this.c.hostDeadMs;
      for (const id of ids) {
        const engine = known.get(id)!;
        if (gone || (cleanedAt.get(hostId) ?? 0) > engine.heartbeatAt) out.add(id);
      }
    }
    return out;
  }

  /** Rows of engines dead for a day: their attempts were recovered long since. */
  async prune(now = Date.now()): Promise<void> {
    await this.c.db.engineLease.deleteMany({
      where: { name: { startsWith: "engine:" }, heartbeatAt: { lt: now - 86_400_000 } },
    });
  }
}

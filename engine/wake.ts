// What wakes the leader's loop instead of a poll (lib/db/engine-wake.ts is the sending side):
//
// - from outside: PostgreSQL LISTEN on WAKE_CHANNEL (a connection of its own, reconnected when
//   lost), or on SQLite an inotify watch of the database's wake files; "jobs" or "topology";
// - from inside: an attempt that ended (a slot is free), and its outcome committed (dependents
//   released, retries RUNNABLE again).
//
// A wake-up only sets a flag the loop takes before its next pass, so any number of them between
// two passes cost one pass, and one that arrives during a pass is never lost: the loop goes again.
import { closeSync, type FSWatcher, openSync, watch } from "node:fs";
import pg from "pg";
import { sqliteFileOfClient, WAKE_CHANNEL, WAKE_KINDS, type WakeKind, wakeFileOf } from "@/lib/db/engine-wake";
import type { EngineLog } from "@/lib/log";

const RECONNECT_MS = 1_000;

export interface Woken {
  /** Anything at all since the last take. */
  any: boolean;
  /** A wake-up from outside the engine (a submission, a terminate request, a queue change). */
  external: boolean;
  /** Queues, environments, policies or tags changed: what the scheduler caches of them is stale. */
  topology: boolean;
}

export class Wakeups {
  private any = false;
  private external = false;
  private topology = false;
  private waiter: (() => void) | null = null;
  private readonly closers: (() => void)[] = [];
  private closed = false;
  /** Wake-ups received, by source; for the engine's figures and tests. */
  readonly counts = { external: 0, internal: 0 };

  /** Something may have changed: the next wait() returns at once. No kind: the engine's own. */
  signal(kind?: WakeKind): void {
    if (kind) {
      this.external = true;
      if (kind === "topology") this.topology = true;
      this.counts.external++;
    } else this.counts.internal++;
    this.any = true;
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** What has happened since the last take, clearing it. */
  take(): Woken {
    const woken = { any: this.any, external: this.external, topology: this.topology };
    this.any = false;
    this.external = false;
    this.topology = false;
    return woken;
  }

  /** Resolves on the next wake-up (at once if one is pending) or after ms. */
  wait(ms: number): Promise<void> {
    if (this.any || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Starts listening for wake-ups from outside: the database's channel or file. */
  listen(o: { db: object; provider: "sqlite" | "postgresql"; databaseUrl?: string; log: EngineLog }): void {
    if (o.provider === "postgresql") {
      if (o.databaseUrl) this.listenPostgres(o.databaseUrl, o.log);
      else o.log("no database URL to listen on for wake-ups; jobs start on the engine's poll", { level: "warn" });
      return;
    }
    const database = sqliteFileOfClient(o.db);
    if (database) for (const kind of WAKE_KINDS) this.watchFile(wakeFileOf(database, kind), kind, o.log);
  }

  private watchFile(file: string, kind: WakeKind, log: EngineLog): void {
    let watcher: FSWatcher;
    try {
      // Created empty if missing, for the engine's user alone (lib/db/engine-wake.ts).
      closeSync(openSync(file, "a", 0o600));
      watcher = watch(file, { persistent: false }, () => this.signal(kind));
    } catch (error) {
      log("cannot watch for wake-ups; jobs start on the engine's poll", { level: "warn", file, error });
      return;
    }
    watcher.on("error", (error) =>
      log("wake-up watch failed; jobs start on the engine's poll", { level: "warn", file, error }),
    );
    this.closers.push(() => watcher.close());
  }

  private listenPostgres(url: string, log: EngineLog): void {
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | null = null;
    const connect = () => {
      retry = null;
      if (this.closed) return;
      const c = new pg.Client({ connectionString: url });
      client = c;
      let failed = false;
      const fail = (why: string) => {
        if (failed || this.closed) return;
        failed = true;
        log("wake-up connection lost; reconnecting", { level: "warn", reason: why });
        void c.end().catch(() => {});
        retry = setTimeout(connect, RECONNECT_MS);
        retry.unref?.();
      };
      c.on("error", (e) => fail(e.message));
      c.on("end", () => fail("closed"));
      c.on("notification", (n) => this.signal(n.payload === "topology" ? "topology" : "jobs"));
      c.connect()
        .then(() => c.query(`LISTEN ${WAKE_CHANNEL}`))
        // Whatever was said while it was not listening is unknown: look again at everything.
        .then(() => this.signal("topology"))
        .catch((e: Error) => fail(e.message));
    };
    connect();
    this.closers.push(() => {
      if (retry) clearTimeout(retry);
      void client?.end().catch(() => {});
    });
  }

  close(): void {
    this.closed = true;
    for (const close of this.closers.splice(0)) close();
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

// Wake-ups for the engine: what the web server (or anything else holding a database client)
// says after a write that may let a job start or must stop one, so the engine acts at once
// instead of finding out on its next safety-net poll (engine/wake.ts listens).
//
// Two kinds: "jobs" (a job submitted, cancelled or to be terminated) and "topology" (a queue, an
// environment, a scheduling policy or a tag changed: the engine re-reads what it caches of them).
//
// - PostgreSQL: NOTIFY on WAKE_CHANNEL with the kind as payload; it reaches every engine on every
//   machine.
// - SQLite: a file per kind beside the database (like its -wal and -shm) gets its times set;
//   engines on the same host watch them with inotify. Whoever can write the database can wake
//   the engine; nobody else can (the files are the engine user's, mode 0600; setting their times
//   needs the same user).
//
// Signals are coalesced: any number of wake-ups in one turn of the event loop send one. A lost
// wake-up costs latency, never correctness: the engine's safety-net pass finds the work anyway.
import { utimes } from "node:fs/promises";
import { logger } from "@/lib/log";
import type { Provider } from "./provider";

export const WAKE_CHANNEL = "batchdeck_engine";
export const WAKE_KINDS = ["jobs", "topology"] as const;
export type WakeKind = (typeof WAKE_KINDS)[number];

/** The file a SQLite database's engines watch for wake-ups of one kind. */
export const wakeFileOf = (sqliteFile: string, kind: WakeKind) => `${sqliteFile}-wake-${kind}`;

type Target = { provider: "postgresql" } | { provider: "sqlite"; file: string };
interface Client {
  $executeRawUnsafe(query: string): Promise<number>;
}

/**
 * Clients made by createDb and where their wake-ups go. On globalThis, like the provider registry
 * (lib/db/provider.ts): Next.js bundles this module into several chunks with their own state.
 */
const state = globalThis as unknown as {
  batchdeckWakeTargets?: WeakMap<object, Target>;
  batchdeckWakePending?: WeakMap<object, Set<string>>;
};
state.batchdeckWakeTargets ??= new WeakMap();
state.batchdeckWakePending ??= new WeakMap();
const targets = state.batchdeckWakeTargets;
/** Kinds already due to be sent this turn, per client. */
const pendingKinds = state.batchdeckWakePending;

/** Called by createDb for every client it makes. */
export function rememberWakeTarget(client: object, provider: Provider, sqliteFile?: string): void {
  targets.set(client, provider === "postgresql" ? { provider } : { provider, file: sqliteFile ?? "" });
}

/** A client's SQLite database file, whose wake files its engines watch; null on PostgreSQL. */
export function sqliteFileOfClient(db: object): string | null {
  const target = targets.get(db);
  return target?.provider === "sqlite" ? target.file : null;
}

let warned = false;

/**
 * Tells the engine that something it acts on has changed (a job submitted, cancelled or to be
 * terminated; a queue or an environment created, changed or deleted). Call it after the write
 * has committed; it never throws and never delays the caller.
 */
export function wakeEngine(db: object, kind: WakeKind): void {
  const target = targets.get(db);
  if (!target) return;
  const kinds = pendingKinds.get(db) ?? new Set<string>();
  if (kinds.has(kind)) return;
  pendingKinds.set(db, kinds);
  kinds.add(kind);
  setImmediate(() => {
    kinds.delete(kind);
    void send(db, target, kind).catch((error: NodeJS.ErrnoException) => {
      // No engine has started on this database yet (no file), or it is unreachable: the
      // safety net covers it. Said once per process, not per submission.
      if (error.code === "ENOENT" || warned) return;
      warned = true;
      logger().warn("could not wake the engine; it will find the work on its next poll", { error });
    });
  });
}

async function send(db: object, target: Target, kind: WakeKind): Promise<void> {
  if (target.provider === "postgresql") {
    await (db as Client).$executeRawUnsafe(`NOTIFY ${WAKE_CHANNEL}, '${kind}'`);
    return;
  }
  const now = new Date();
  await utimes(wakeFileOf(target.file, kind), now, now);
}

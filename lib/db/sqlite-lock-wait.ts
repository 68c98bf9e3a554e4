// Waiting for SQLite's write lock without holding up the process. better-sqlite3 waits for a lock
// synchronously (its busy timeout), and while it waits nothing else in the process runs: a web
// server whose session touch or submission waited for the engine's write lock stopped answering
// every page and stream for that long. So connections have a busy timeout of 0, and a statement
// refused with SQLITE_BUSY is tried again after a short timer, the event loop serving meanwhile.
// Retrying one statement is safe: SQLite refused it whole.
import { isLockBusy } from "./sqlite-errors";

/** How long a statement keeps trying for a lock before it fails. */
export const LOCK_WAIT_MS = 10_000;
/** Pauses between tries: short at first (most locks are held for a millisecond or two). */
const BACKOFF_MS = [1, 1, 2, 2, 5, 5, 10];
const MAX_PAUSE_MS = 20;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `run` until SQLite stops refusing it for a lock, waiting on timers, not on the thread. */
export async function whenUnlocked<T>(run: () => T | Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const deadline = performance.now() + waitMs; // Date.now() is whole ms: up to 1 ms early
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isLockBusy(error) || performance.now() >= deadline) throw error;
      await pause(BACKOFF_MS[attempt] ?? MAX_PAUSE_MS);
    }
  }
}

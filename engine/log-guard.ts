// Bounds the log files of running attempts from a thread of its own, so a job cannot fill the
// disk however long the engine's main thread is held (a SQLite commit waiting on fsync while a
// job floods the disk, a PostgreSQL round trip on a loaded host, garbage collection): a job
// writing flat out adds hundreds of megabytes a second, and the main thread only learns of the
// cap when it reads the files.
//
// Every attempt's files are handed to this thread before the job is spawned, each with a limit:
// the attempt's cap plus one byte to begin with (the cap counts both streams together, so no
// byte of a file past that offset is ever stored, and the extra byte shows the capture that the
// cap was passed), nothing once the capture has stored its cap (log-capture.ts). A file past its
// limit is cut back to it. The job's descriptors are O_APPEND, so after a cut it carries on at
// the new end. Checks are paced by how fast each file grows: every millisecond while one nears
// or passes its limit, every 10 ms while it is quiet (a hundred idle attempts cost ~10,000 fstat calls a second).
import { Worker } from "node:worker_threads";

/**
 * The thread's own priority where the engine may raise it (root): a job writing flat out adds
 * most of a megabyte a millisecond, so every millisecond this thread waits for a core counts.
 * With two busy loops holding both cores of this 2-core host, a 400 MB flood reached 23.8 MiB
 * (p50 of 12 runs; 119.8 MiB at worst) at the normal priorities, 5.0 MiB (40.7 MiB) with this
 * thread here and the job at nice 10 (limits.ts; bench/log-guard.ts). What remains is mostly the
 * kernel's: an ext4 truncate now and then waits tens of milliseconds.
 */
export const GUARD_NICE = -10;

// Plain JavaScript (CommonJS, eval'd): the worker needs no TypeScript loader.
const WORKER = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const QUIET_MS = 10;
const files = new Map();
// Above the engine's other threads where the engine may raise it (root): the bound this thread
// keeps is the rate a job writes at times how long this thread waits for a core.
try {
  const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
  require("node:os").setPriority(tid, ${GUARD_NICE});
} catch {}
parentPort.on("message", (m) => {
  if (m.watch) {
    const f = files.get(m.watch);
    if (f) f.limit = m.limit;
    else {
      try {
        files.set(m.watch, { fd: fs.openSync(m.watch, "r+"), limit: m.limit, size: 0, at: performance.now(), due: 0 });
      } catch {}
    }
    wake();
  }
  if (m.remove) {
    const f = files.get(m.remove);
    files.delete(m.remove);
    if (f) try { fs.closeSync(f.fd); } catch {}
  }
  if (m.check !== undefined) {
    for (const f of files.values()) f.due = 0;
    loop();
    parentPort.postMessage({ checked: m.check });
  }
});
let timer = null;
function wake() {
  if (timer) clearTimeout(timer);
  timer = setTimeout(loop, 0);
}
function loop() {
  timer = null;
  const now = performance.now();
  let next = Infinity;
  for (const f of files.values()) {
    if (f.due <= now) {
      let size = f.size;
      try {
        size = fs.fstatSync(f.fd).size;
        if (size > f.limit) {
          fs.ftruncateSync(f.fd, f.limit);
          f.due = now + 1;
        } else {
          // Time until the limit at the rate seen since the last check, checked at a quarter of it.
          const rate = Math.max(0, size - f.size) / Math.max(now - f.at, 1);
          const until = rate > 0 ? (f.limit - size) / rate : Infinity;
          f.due = now + Math.min(QUIET_MS, Math.max(1, until / 4));
        }
      } catch {
        f.due = now + QUIET_MS;
      }
      f.size = Math.min(size, f.limit);
      f.at = now;
    }
    next = Math.min(next, f.due);
  }
  if (next !== Infinity) timer = setTimeout(loop, Math.max(0, next - performance.now()));
}
`;

let worker: Worker | null = null;
/**
 * What the thread watches, kept here too: a thread that ends (an uncaught error, terminated) is
 * started again at once with every file it watched, or running jobs' files would grow unbounded.
 */
const watched = new Map<string, number>();
/** A thread that ends this soon after starting is started again after RESTART_DELAY_MS. */
const STARTUP_MS = 1_000;
const RESTART_DELAY_MS = 200;
let reportRestart: ((reason: string) => void) | null = null;
/** checkLogGuard() calls the running thread has not answered yet, by id. */
const checks = new Map<number, (ran: boolean) => void>();
let nextCheck = 0;

/** Called with the reason each time the thread ends while files are watched (the engine logs it). */
export function onLogGuardRestart(report: (reason: string) => void): void {
  reportRestart = report;
}

/** Started with the engine: a new thread takes tens of milliseconds to come up. */
export function startLogGuard(): Worker {
  if (worker) return worker;
  // No loader flags (tsx): the worker is plain JavaScript and should start fast.
  const w = new Worker(WORKER, { eval: true, execArgv: [] });
  const startedAt = Date.now();
  let reason = "it exited";
  w.unref();
  w.on("error", (error) => {
    reason = `it failed: ${error.message}`;
  });
  w.on("message", (m: { checked?: number }) => {
    if (m.checked === undefined) return;
    checks.get(m.checked)?.(true);
    checks.delete(m.checked);
  });
  w.on("exit", () => {
    for (const [id, answer] of checks) {
      answer(false);
      checks.delete(id);
    }
    if (worker !== w) return;
    worker = null;
    if (watched.size === 0) return;
    reportRestart?.(`the log guard thread ended (${reason}); starting it again with ${watched.size} files`);
    // At once, unless it ended while starting (then after a pause, not in a loop). A job spawned
    // meanwhile starts it itself; either way the new thread is handed the whole list below.
    if (Date.now() - startedAt < STARTUP_MS)
      setTimeout(() => watched.size > 0 && startLogGuard(), RESTART_DELAY_MS).unref();
    else startLogGuard();
  });
  worker = w;
  for (const [path, limit] of watched) w.postMessage({ watch: path, limit });
  return w;
}

/** Keeps each of these files at most `limit` bytes long from now on (a later call changes it). */
export function guardFiles(paths: string[], limit: number): void {
  const w = startLogGuard();
  for (const p of paths) {
    watched.set(p, limit);
    w.postMessage({ watch: p, limit });
  }
}

/** The files are no longer written: stop watching them. */
export function releaseFiles(paths: string[]): void {
  for (const p of paths) {
    watched.delete(p);
    worker?.postMessage({ remove: p });
  }
}

/**
 * Resolves true once the running thread has handled everything sent to it before and checked
 * every file it watches, cutting those past their limit; false when no thread is running (or it
 * ended first). For tests, which can then assert what the guard did instead of waiting a while.
 */
export function checkLogGuard(): Promise<boolean> {
  const w = worker;
  if (!w) return Promise.resolve(false);
  const id = nextCheck++;
  return new Promise((resolve) => {
    checks.set(id, resolve);
    w.postMessage({ check: id });
  });
}

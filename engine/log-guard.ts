// Keeps the log files of attempts past their log limit empty, from a thread of its own. The
// engine's main thread can be held for hundreds of milliseconds (a SQLite commit waiting on
// fsync while a job floods the disk), during which a job writing flat out adds hundreds of
// megabytes; this thread only checks sizes and truncates, every millisecond, so such a file
// stays within what the job writes in a few milliseconds. The child's descriptors are
// O_APPEND, so after a truncation it carries on at the new end.
import { Worker } from "node:worker_threads";

// Plain JavaScript (CommonJS, eval'd): the worker needs no TypeScript loader.
const WORKER = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const open = new Map();
parentPort.on("message", (m) => {
  if (m.add && !open.has(m.add)) {
    try { open.set(m.add, fs.openSync(m.add, "r+")); } catch {}
  }
  if (m.remove) {
    const fd = open.get(m.remove);
    open.delete(m.remove);
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
  }
});
function loop() {
  for (const fd of open.values()) {
    try { if (fs.fstatSync(fd).size > 0) fs.ftruncateSync(fd, 0); } catch {}
  }
  setTimeout(loop, open.size > 0 ? 1 : 50);
}
loop();
`;

let worker: Worker | null = null;

/** Started with the engine: a new thread takes tens of milliseconds to come up. */
export function startLogGuard(): Worker {
  if (!worker) {
    // No loader flags (tsx): the worker is plain JavaScript and should start fast.
    worker = new Worker(WORKER, { eval: true, execArgv: [] });
    worker.unref();
    worker.on("error", () => {
      worker = null;
    });
  }
  return worker;
}

/** Empties these files from now on, until released. */
export function guardFiles(paths: string[]): void {
  const w = startLogGuard();
  for (const p of paths) w.postMessage({ add: p });
}

export function releaseFiles(paths: string[]): void {
  if (!worker) return;
  for (const p of paths) worker.postMessage({ remove: p });
}

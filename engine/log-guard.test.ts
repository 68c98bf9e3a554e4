// The guard thread bounds a flooded log file while the engine's main thread is held: the case
// where a job filled the disk before (the main thread only learns of the cap when it reads).
import { spawn } from "node:child_process";
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkLogGuard, guardFiles, onLogGuardRestart, releaseFiles, startLogGuard } from "./log-guard";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LIMIT = (1 << 20) + 1;
const WRITTEN = 300_000_000;

function flood(path: string, bytes: number) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  const child = spawn("sh", ["-c", `yes 0123456789abcdef | head -c ${bytes}`], { stdio: ["ignore", fd, "ignore"] });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { pid: child.pid!, exited };
}

/** Exited, read from /proc: this thread cannot see the exit event while it is held (not reaped yet). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? true;
  } catch {
    return true;
  }
}

/**
 * Holds this thread until `done()`, as a long synchronous database call or a GC pause would:
 * blocked in Atomics.wait between samples rather than spinning, so the test does not take a core
 * from the guard thread (or from tests running beside it). Gives up after `maxMs`.
 */
function hold(done: () => boolean, sample: () => void, maxMs: number) {
  const until = Date.now() + maxMs;
  const blocker = new Int32Array(new SharedArrayBuffer(4));
  while (!done() && Date.now() < until) {
    sample();
    Atomics.wait(blocker, 0, 0, 2);
  }
  sample();
}

async function guarded(limit: number) {
  const dir = mkdtempSync(join(tmpdir(), "log-guard-"));
  dirs.push(dir);
  const path = join(dir, "job.1.stdout");
  writeFileSync(path, "");
  startLogGuard();
  guardFiles([path], limit);
  // The thread has opened the file, as the engine has before it spawns the job.
  expect(await checkLogGuard()).toBe(true);
  return path;
}

describe("log guard", () => {
  it("keeps a flooded file within its limit while the main thread is held, and keeps its first bytes", async () => {
    const path = await guarded(LIMIT);
    const { pid, exited } = flood(path, WRITTEN);
    let largest = 0;
    let last = 0;
    let cutsSeen = 0;
    // Held from before the job writes until it has written everything: only the guard thread
    // can cut the file meanwhile.
    hold(
      () => gone(pid),
      () => {
        const size = statSync(path).size;
        if (size < last) cutsSeen++;
        last = size;
        largest = Math.max(largest, size);
      },
      60_000,
    );
    expect(gone(pid)).toBe(true);
    expect(await exited).toBe(0);
    // How far past its limit the file got is the guard's speed on this host, not a property:
    // printed here, measured under load by bench/log-guard.ts.
    console.log(
      `guarded file: largest ${(largest / 2 ** 20).toFixed(1)} MiB of ${WRITTEN} bytes written, ${cutsSeen} cuts seen`,
    );
    expect(largest).toBeGreaterThanOrEqual(LIMIT);
    expect(cutsSeen).toBeGreaterThan(0);
    expect(await checkLogGuard()).toBe(true);
    expect(statSync(path).size).toBe(LIMIT);
    releaseFiles([path]);
    // What the capture stores comes from the first bytes: the cut never touches them.
    const head = Buffer.alloc(34);
    const fd = openSync(path, "r");
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    expect(head.toString()).toBe("0123456789abcdef\n".repeat(2));
  }, 60_000);

  it("empties a file whose limit drops to nothing, and leaves a released file alone", async () => {
    const path = await guarded(LIMIT);
    guardFiles([path], 0);
    expect(await flood(path, 50_000_000).exited).toBe(0);
    expect(await checkLogGuard()).toBe(true);
    expect(statSync(path).size).toBe(0);
    releaseFiles([path]);
    expect(await flood(path, 3_000_000).exited).toBe(0);
    // Checked by the thread after the writes: a file it still watched would be emptied.
    expect(await checkLogGuard()).toBe(true);
    expect(statSync(path).size).toBe(3_000_000);
  }, 60_000);

  it("starts again with every file it watched when its thread ends", async () => {
    const path = await guarded(LIMIT);
    const restarts: string[] = [];
    onLogGuardRestart((reason) => restarts.push(reason));
    await startLogGuard().terminate();
    // A thread that ended within a second of starting comes back after a short delay, by itself.
    await vi.waitFor(async () => expect(await checkLogGuard()).toBe(true), { timeout: 30_000, interval: 20 });
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/starting it again with \d+ files/);
    expect(await flood(path, 100_000_000).exited).toBe(0);
    expect(await checkLogGuard()).toBe(true);
    // The new thread watches the file it never was told of: cut to its limit, not 100 MB.
    expect(statSync(path).size).toBe(LIMIT);
    releaseFiles([path]);
  }, 60_000);
});

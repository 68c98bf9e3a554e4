// The guard thread bounds a flooded log file while the engine's main thread is held: the case
// where a job filled the disk before (the main thread only learns of the cap when it reads).
import { spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { guardFiles, onLogGuardRestart, releaseFiles, startLogGuard } from "./log-guard";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LIMIT = (1 << 20) + 1;
const WRITTEN = 300_000_000;
/** The limit plus what a writer at several hundred MB/s adds between checks a few ms apart. */
const BOUND = 24 << 20;

function flood(path: string, bytes: number) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  const child = spawn("sh", ["-c", `yes 0123456789abcdef | head -c ${bytes}`], { stdio: ["ignore", fd, "ignore"] });
  closeSync(fd);
  return new Promise<number | null>((resolve) => child.once("exit", resolve));
}

/**
 * Holds this thread, as a long synchronous database call or a GC pause would: blocked in
 * Atomics.wait between samples rather than spinning, so the test does not take a core from the
 * guard thread (or from tests running beside it).
 */
function hold(ms: number, sample: () => void) {
  const until = Date.now() + ms;
  const blocker = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < until) {
    sample();
    Atomics.wait(blocker, 0, 0, 2);
  }
}

async function guarded(limit: number) {
  const dir = mkdtempSync(join(tmpdir(), "log-guard-"));
  dirs.push(dir);
  const path = join(dir, "job.1.stdout");
  writeFileSync(path, "");
  startLogGuard();
  guardFiles([path], limit);
  // The thread opens the file when the message arrives; a moment, as the engine spawns after.
  await new Promise((r) => setTimeout(r, 50));
  return path;
}

describe("log guard", () => {
  it("keeps a flooded file within its limit while the main thread is held, and keeps its first bytes", async () => {
    const path = await guarded(LIMIT);
    const exited = flood(path, WRITTEN);
    let largest = 0;
    let samples = 0;
    hold(1_500, () => {
      largest = Math.max(largest, statSync(path).size);
      samples++;
    });
    expect(await exited).toBe(0);
    largest = Math.max(largest, statSync(path).size);
    releaseFiles([path]);
    console.log(`guarded file: largest ${(largest / 2 ** 20).toFixed(1)} MiB of ${WRITTEN} bytes written`);
    expect(samples).toBeGreaterThan(100);
    expect(largest).toBeGreaterThanOrEqual(LIMIT);
    expect(largest).toBeLessThan(BOUND);
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
    await flood(path, 50_000_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(statSync(path).size).toBe(0);
    releaseFiles([path]);
    await new Promise((r) => setTimeout(r, 100));
    await flood(path, 3_000_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(statSync(path).size).toBe(3_000_000);
  }, 60_000);

  it("starts again with every file it watched when its thread ends", async () => {
    const path = await guarded(LIMIT);
    const restarts: string[] = [];
    onLogGuardRestart((reason) => restarts.push(reason));
    await startLogGuard().terminate();
    // A thread that ended within a second of starting comes back after a short delay.
    await new Promise((r) => setTimeout(r, 400));
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/starting it again with \d+ files/);
    expect(await flood(path, 100_000_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    // The new thread watches the file it never was told of: cut to its limit, not 100 MB.
    expect(statSync(path).size).toBe(LIMIT);
    releaseFiles([path]);
  }, 60_000);
});

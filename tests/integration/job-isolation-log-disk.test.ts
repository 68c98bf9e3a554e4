// Job isolation (issue 6, proof 8): a job cannot fill the disk with logs. A job writes 400 MB
// as fast as it can while the engine's log limit is 1 MiB: the attempt's log files on disk
// stay small the whole time (sampled from outside the engine's process while the job runs),
// the stored log is exactly the first 1 MiB plus one truncation marker, and the files are gone
// once the attempt is recorded.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { truncationMarker } from "@/engine/log-capture";
import { logsDir } from "@/engine/log-files";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  spawnEngineProcess,
  stopEngineProcess,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";

const CAP = 1 << 20;
const WRITTEN = 400_000_000;
/**
 * What the files may reach: the cap plus one byte per file, plus what the job writes while the
 * guard thread (engine/log-guard.ts) is held up between two cuts. Usually a few milliseconds,
 * the time of one ftruncate; but on ext4 a cut now and then waits for the journal's commit
 * (55 ms measured inside the guard thread on this 2-core host), and a job writing flat out adds
 * about 700 MB/s: 38 MB was seen on CI and 43 MB with two busy loops beside this test, at the
 * normal priorities. Jobs now run at nice 10 (engine/limits.ts) and the guard thread above the
 * engine, which shortens the waits for a core (bench/log-guard.ts) but not the kernel's. The
 * bound allows a wait of ~90 ms at that rate, a sixth of what the job writes.
 */
const DISK_BOUND = 64 << 20;
/**
 * Most of the time the files sit at their limit: half the samples below this, a few cuts' worth
 * of writing (the median stayed under 0.2 MiB with two busy loops beside this test, where the
 * p99 reached 15 MiB).
 */
const TYPICAL_BOUND = 4 << 20;
const LINE = "0123456789abcdef\n";

/** The engine creates the directory when it starts. */
function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

describe.each(PROVIDERS)("a job cannot fill the disk with logs on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let engine: ChildProcess | null = null;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-logdisk-"));
    engine = spawnEngineProcess(t.url, dataDir, `logdisk-${provider}`, {
      BATCHDECK_ENGINE_LOG_CAP_BYTES: String(CAP),
    });
  });
  afterAll(async () => {
    await stopEngineProcess(engine);
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the attempt's log files bounded and stores the cap plus one marker", async () => {
    // An engine already at work (not one still loading its code).
    const [warm] = await insertJobs(t.db, world, [{ command: ["echo", "warm"] }]);
    await waitForTerminal(t.db, warm!, 60_000);
    const [id] = await insertJobs(t.db, world, [
      { command: ["sh", "-c", `yes 0123456789abcdef | head -c ${WRITTEN}; echo done >&2`], memoryMiB: 512 },
    ]);
    let largest = 0;
    const sizes: number[] = [];
    let status = "";
    const dir = logsDir(dataDir);
    while (status !== "SUCCEEDED" && status !== "FAILED") {
      let total = 0;
      for (const name of list(dir)) {
        try {
          total += statSync(join(dir, name)).size;
        } catch {
          // removed meanwhile
        }
      }
      largest = Math.max(largest, total);
      sizes.push(total);
      status = (await t.db.job.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;
    }
    const sorted = sizes.toSorted((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    console.log(
      `log files: largest ${(largest / 2 ** 20).toFixed(1)} MiB, median ${(median / 2 ** 20).toFixed(1)}, p99 ${(p99 / 2 ** 20).toFixed(1)} MiB over ${sizes.length} samples; ${WRITTEN} bytes written`,
    );
    expect(status).toBe("SUCCEEDED");
    expect(sizes.length).toBeGreaterThan(5);
    expect(largest).toBeLessThan(DISK_BOUND);
    expect(median).toBeLessThan(TYPICAL_BOUND);

    const chunks = await t.db.logChunk.findMany({ where: { jobId: id }, orderBy: [{ stream: "asc" }, { seq: "asc" }] });
    const stdout = chunks
      .filter((c) => c.stream === "stdout")
      .map((c) => c.data)
      .join("");
    const expected = LINE.repeat(Math.ceil(CAP / LINE.length)).slice(0, CAP) + truncationMarker(CAP);
    expect(stdout).toBe(expected);
    // The limit covers both streams together: the line on STDERR came after it.
    expect(chunks.filter((c) => c.stream === "stderr")).toEqual([]);
    await waitFor("log files removed", async () => list(dir).length === 0, 5_000);
  }, 120_000);
});

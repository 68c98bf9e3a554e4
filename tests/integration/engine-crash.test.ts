// Crash safety: SIGKILL the engine process at random moments while it works through a batch
// of jobs, restart it each time, and check every job ends in exactly one terminal state with
// no attempt ever overlapping a still-running earlier attempt of the same job.
import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCrashRun, crashDirs, crashWorld, runWithKills, seeded, submitCrashMix } from "@/bench/lib/crash-run";
import { STATUS_REASONS, TERMINAL_STATUSES } from "@/lib/batch/states";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  spawnEngineProcess,
  stopEngineProcess,
  waitFor,
} from "../helpers/engine-fixtures";
import { hostVolume } from "../helpers/host-volume";

/** For each of the first `kills` engines, whether an attempt was recorded as cut off by its death. */
function cutOffBy(
  jobs: { attempts: { statusReason: string | null }[] }[],
  engineId: (k: number) => string,
  kills: number,
): boolean[] {
  const reasons = new Set(jobs.flatMap((j) => j.attempts.map((a) => a.statusReason)));
  return Array.from({ length: kills }, (_, k) => reasons.has(STATUS_REASONS.hostTerminated(engineId(k))));
}

const JOBS = 24;
const KILLS = 3;
// Exits 99 if another attempt of the same job is still alive: that would be a double run. Each
// attempt outlives an engine restart, so an orphan not killed by recovery would be caught.
const GUARDED = [
  "sh",
  "-c",
  // A lock every process of the attempt inherits (sleep too), seen across PID namespaces; the
  // file stays, since a new one would not be locked by a leftover of the attempt before. Opened
  // for reading: the next attempt runs as another uid, which may not write the first one's file.
  'L="$LOCKS/$AWS_BATCH_JOB_ID"; touch "$L" 2>/dev/null; exec 9<"$L"; flock -n 9 || exit 99; sleep 2',
];

describe.each(PROVIDERS)("engine crash safety on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let locks: string;
  let current: ChildProcess | null = null;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-crash-"));
    locks = mkdtempSync(join(tmpdir(), "batchdeck-locks-"));
    chmodSync(locks, 0o777);
    // Sealed jobs see /tmp as their own: the locks are a host volume the environment allows.
    world = await seedEngineWorld(t.db, {
      maxVcpus: 4,
      tags: { "batchdeck:executor": "process", "batchdeck:hostPaths": locks },
    });
  });
  afterAll(async () => {
    if (current && current.exitCode === null && current.signalCode === null) {
      // Gracefully: a stopped engine removes its cgroups.
      current.kill("SIGTERM");
      await new Promise((r) => current?.once("exit", r));
    }
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(locks, { recursive: true, force: true });
  });

  it("every job ends once, none runs twice at the same time, cut-off attempts are host-terminated", async () => {
    const ids = await insertJobs(
      t.db,
      world,
      Array.from({ length: JOBS }, () => ({
        command: GUARDED,
        attempts: 10,
        environment: [{ name: "LOCKS", value: locks }],
        extra: hostVolume(locks),
      })),
    );
    const terminal = () => t.db.job.count({ where: { id: { in: ids }, status: { in: ["SUCCEEDED", "FAILED"] } } });
    for (let kill = 0; kill < KILLS; kill++) {
      const engineId = `crash-${provider}-${kill}`;
      current = spawnEngineProcess(t.url, dataDir, engineId);
      // Running jobs itself: the jobs its dead predecessor left RUNNING do not count.
      const running = async () => (await t.db.jobAttempt.count({ where: { engineId, stoppedAt: null } })) > 0;
      await waitFor("the engine running jobs", running, 30_000);
      // A random moment later, while it still runs some.
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      await waitFor("the engine still running jobs", running, 30_000);
      current.kill("SIGKILL");
      await new Promise((r) => current?.once("exit", r));
    }
    current = spawnEngineProcess(t.url, dataDir, `crash-${provider}-final`);
    await waitFor("all jobs finished", async () => (await terminal()) === JOBS, 60_000, 200);

    const jobs = await t.db.job.findMany({
      where: { id: { in: ids } },
      include: { attempts: { orderBy: { attemptNumber: "asc" } } },
    });
    const hostTerminated = /^Host EC2 \(instance crash-.*\) terminated\.$/;
    let cutOff = 0;
    for (const job of jobs) {
      expect(["SUCCEEDED", "FAILED"]).toContain(job.status);
      expect(job.attempts.map((a) => a.attemptNumber)).toEqual(job.attempts.map((_, i) => i + 1));
      expect(job.attempts.length).toBe(job.attemptCount);
      for (const a of job.attempts) {
        expect(a.exitCode).not.toBe(99);
        expect(a.stoppedAt).not.toBeNull();
        if (a.statusReason !== "Essential container in task exited") {
          expect(a.statusReason).toMatch(hostTerminated);
          cutOff++;
        }
      }
      if (job.status === "SUCCEEDED") expect(job.attempts.at(-1)!.exitCode).toBe(0);
    }
    // Every kill landed while jobs ran: each killed engine left attempts cut off, retried.
    expect(cutOff).toBeGreaterThan(0);
    expect(cutOffBy(jobs, (k) => `crash-${provider}-${k}`, KILLS)).toEqual(Array(KILLS).fill(true));
    expect(jobs.every((j) => j.status === "SUCCEEDED")).toBe(true);
  }, 120_000);
});

// The crash run of bench/crash-run.ts, shortened: a few hundred jobs of every kind (arrays,
// dependencies, retries, timeouts, steady log lines), 5 kills, the same checker. Enough jobs
// that the work outlasts 5 kills, each landing only once the restarted engine runs jobs.
const SHORT_JOBS = 300;
const SHORT_KILLS = 5;

describe.each(PROVIDERS)("crash run (shortened) on %s", (provider) => {
  let t: TestDatabase;
  let root: string;
  let engine: ChildProcess | null = null;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    root = mkdtempSync(join(tmpdir(), "batchdeck-crashrun-"));
  });
  afterAll(async () => {
    await stopEngineProcess(engine);
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("every job ends once as AWS would end it, no attempt overlaps, every line written is stored once", async () => {
    const world = await seedEngineWorld(t.db, { maxVcpus: 16, memoryMiB: 16 * 256 });
    const dirs = crashDirs(root);
    const random = seeded(Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000));
    const crash = await crashWorld(t.db, world, dirs);
    const submit = () => submitCrashMix({ ...crash, dirs, jobs: SHORT_JOBS, maxArray: 30, random });
    const ids = await submit();
    const all = () => ({ OR: [{ id: { in: ids } }, { arrayParentId: { in: ids } }] });
    const run = await runWithKills({
      spawnEngine: (i) => {
        engine = spawnEngineProcess(t.url, join(root, "data"), `crashrun-${provider}-${i}`);
        return engine;
      },
      kills: SHORT_KILLS,
      minDelayMs: 50,
      maxDelayMs: 1_000,
      random,
      busy: async (i) =>
        (await t.db.jobAttempt.count({ where: { engineId: `crashrun-${provider}-${i}`, stoppedAt: null } })) > 0,
      done: async () =>
        (await t.db.job.count({ where: { AND: [all(), { status: { in: [...TERMINAL_STATUSES] } }] } })) ===
        (await t.db.job.count({ where: all() })),
      // Work that ends before the fifth kill (how long it lasts depends on the machine) gets more.
      more: async () => {
        ids.push(...(await submit()));
      },
      moreRounds: 5,
      timeoutMs: 90_000,
    });
    const total = await t.db.job.count({ where: all() });
    const figures = await checkCrashRun(t.db, ids, dirs);
    console.log(
      `crash run ${provider}: ${figures.jobs} jobs, ${run.kills} kills, ${figures.attempts} attempts (${figures.hostTerminated} cut off), ${figures.linesVerified} lines / ${figures.logBytesVerified} log bytes verified`,
    );
    expect(figures.violations).toEqual([]);
    expect(run.kills).toBe(SHORT_KILLS);
    expect(figures.jobs).toBe(total);
    expect(figures.hostTerminated).toBeGreaterThan(0);
    // Every kill landed while jobs ran: each killed engine cut off attempts of its own.
    const attempts = await t.db.jobAttempt.findMany({
      where: { job: all(), statusReason: { startsWith: "Host EC2" } },
      select: { statusReason: true },
    });
    expect(cutOffBy([{ attempts }], (k) => `crashrun-${provider}-${k}`, run.kills)).toEqual(
      Array(run.kills).fill(true),
    );
  }, 180_000);
});

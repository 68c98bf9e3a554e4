// The engine's memory with 100,000 jobs queued (DESIGN.md: ≤ 256 MB RSS), against a baseline
// measured in the same run: the same engine process, started the same way, leading an empty
// database. Both run as `npm start` runs them (`node --import tsx engine/main.ts`, its defaults:
// metric sampler every 5 s, jobs as a uid of their own when root) but for a 1 s kill grace, so
// stopping it does not wait 30 s for its two jobs; the queued run has 2 vCPUs for 100,000
// one-vCPU `sleep` jobs, so nearly all of them stay RUNNABLE while the scheduler passes over the
// queue front again and again.
//
//   node --import tsx bench/engine-memory.ts [--jobs 100000] [--seconds 20] [--postgres [--pg-fsync-off]]
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { type BenchDatabase, noteSetting, openDatabase, ratio, report, run, sleep } from "./lib/harness";
import { insertRunnableJobs } from "./lib/seed";
import { engineSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "100000" },
    seconds: { type: "string", default: "20" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const SECONDS = Number(values.seconds);
const MiB = 1024 * 1024;
const KILL_GRACE_MS = 1_000;

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

function startEngine(d: BenchDatabase): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: d.url,
      BATCHDECK_DATA_DIR: d.dir,
      BATCHDECK_ENGINE_KILL_GRACE_MS: String(KILL_GRACE_MS),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Samples the engine's memory every 250 ms for `seconds`; returns the largest RSS seen. */
async function watch(d: BenchDatabase, seconds: number): Promise<{ rss: number; peak: number }> {
  const engine = startEngine(d);
  let rss = 0;
  let peak = 0;
  try {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      await sleep(250);
      const m = memoryOf(engine.pid!);
      rss = Math.max(rss, m.rss);
      peak = Math.max(peak, m.peak);
    }
  } finally {
    engine.kill("SIGTERM");
    await new Promise((r) => engine.once("exit", r));
  }
  return { rss, peak };
}

async function seed(d: BenchDatabase) {
  const world = await seedEngineWorld(d.db, { maxVcpus: 2, memoryMiB: 4096 });
  await insertRunnableJobs(d.db, { ...world, queueIds: [world.queueId], jobs: N, command: ["sleep", "600"] });
}

run(async () => {
  const d = await openDatabase(values.postgres);
  try {
    console.log(`baseline: the engine leading an empty ${d.provider} database for ${SECONDS} s …`);
    const idle = await watch(d, SECONDS);
    console.log(`seeding ${N} RUNNABLE jobs …`);
    await seed(d);
    console.log(`the engine with ${N} jobs queued for ${SECONDS} s …`);
    const queued = await watch(d, SECONDS);
    const runnable = await d.db.job.count({ where: { status: "RUNNABLE" } });
    noteSetting("engine", `engine/main.ts, ${engineSettings({ dataDir: d.dir, killGraceMs: KILL_GRACE_MS })}`);
    report("engine memory", [
      ["kill grace", `${KILL_GRACE_MS} ms (stopping only)`],
      ["idle engine, max RSS", `${(idle.rss / MiB).toFixed(0)} MB (peak ${(idle.peak / MiB).toFixed(0)} MB)`],
      [
        `${N} queued, max RSS`,
        `${(queued.rss / MiB).toFixed(0)} MB (peak ${(queued.peak / MiB).toFixed(0)} MB), ${ratio(queued.rss, idle.rss)} the idle engine`,
      ],
      ["still RUNNABLE at the end", String(runnable)],
      ["target", `≤ 256 MB RSS with 100,000 queued (this run: ${N}): ${queued.peak <= 256 * MiB ? "met" : "not met"}`],
    ]);
  } finally {
    await d.close();
  }
});

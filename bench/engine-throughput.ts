// Engine throughput and latency, measured against a baseline taken in the same run:
//   1. raw: spawn `sh -c 'echo hi'` with piped output at concurrency C, N times, and wait;
//   2. engine: N jobs running the same command, submitted through SubmitJob (the domain function
//      the console and /v1 call) by C callers at once, on an environment of C vCPUs with 1-vCPU
//      jobs; the clock runs from the first submission to the last job's end (logs captured,
//      every state and attempt written). A job that fails fails the run;
//   3. submit → RUNNING on the idle engine, one job at a time through SubmitJob, p50/p99.
// CPU per job, from /proc: this process's tree (the engine, its process spawner, the submitters,
// SQLite, and the jobs' own processes) plus the PostgreSQL server's processes, over phase 2,
// less the jobs' own CPU as phase 1 measured it; beside it, phase 1's cost to this process of
// spawning and reaping one process. The engine's Podman service is left out (no job uses it).
// The engine runs with its production defaults (bench/lib/harness.ts), printed with the
// figures; --poll-ms sets another idle poll.
// Targets: engine ≥ 50% of raw; p50 ≤ 50 ms, p99 ≤ 250 ms (DESIGN.md); server CPU ≤ 3 ms per
// trivial job (issue 20).
//
//   node --import tsx bench/engine-throughput.ts [--jobs 2000] [--concurrency 16]
//     [--latency-samples 100] [--poll-ms 20] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { adminContext, ms, openDatabase, pct, report, run, runEngine, sleep, spawnMany } from "./lib/harness";
import { childrenNamed, findPostmaster, TICKS_PER_SECOND, treeCpu } from "./lib/proc-cpu";
import { submitAndTime, waitUntilIdle, worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    "latency-samples": { type: "string", default: "100" },
    "poll-ms": { type: "string" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const C = Number(values.concurrency);
const SAMPLES = Number(values["latency-samples"]);
const COMMAND = ["sh", "-c", "echo hi"];
const TICK_MS = 1000 / TICKS_PER_SECOND;

/** CPU ticks: this process alone, its tree without the Podman service, and PostgreSQL's server. */
function cpuNow(postmaster: number | null) {
  let podman = 0;
  for (const t of treeCpu(childrenNamed(process.pid, /podman/)).values()) podman += t.ticks;
  const self = process.cpuUsage();
  const trees = treeCpu(postmaster ? [process.pid, postmaster] : [process.pid]);
  return {
    self: (self.user + self.system) / 1000 / TICK_MS,
    tree: trees.get(process.pid)!.ticks - podman,
    database: postmaster ? trees.get(postmaster)!.ticks : 0,
  };
}

async function main() {
  const d = await openDatabase(values.postgres);
  const world = await seedEngineWorld(d.db, { maxVcpus: C, memoryMiB: C * 1024 });
  const ctx = await adminContext(d.db, world.organizationId);
  const names = await worldNames(d, world);
  const engine = await runEngine(d, values["poll-ms"] ? { pollMs: Number(values["poll-ms"]) } : {});
  const postmaster = d.provider === "postgresql" ? findPostmaster(Number(new URL(d.url).port || 5432)) : null;
  try {
    console.log(`raw spawn-and-wait: ${N} × ${COMMAND.join(" ")} at concurrency ${C} …`);
    const rawCpu0 = cpuNow(null);
    const raw = N / ((await spawnMany(COMMAND, N, C)) / 1000);
    const rawCpu1 = cpuNow(null);
    // What spawning and reaping one process costs this process, and what the process itself uses.
    const spawnMsPerJob = ((rawCpu1.self - rawCpu0.self) * TICK_MS) / N;
    const jobOwnMs = ((rawCpu1.tree - rawCpu0.tree - (rawCpu1.self - rawCpu0.self)) * TICK_MS) / N;
    const cpu0 = cpuNow(postmaster);

    console.log(`engine: ${N} jobs submitted by ${C} SubmitJob callers at once on ${d.provider} …`);
    const start = performance.now();
    let next = 0;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < N) {
          const input = submitJobInput.parse({
            jobName: `throughput-${next++}`,
            jobQueue: names.queue,
            jobDefinition: names.definition,
            containerOverrides: { command: COMMAND, vcpus: 1, memory: 64 },
          });
          ids.push((await submitJob(ctx, input)).jobId);
        }
      }),
    );
    const submittedMs = performance.now() - start;
    if (ids.length !== N) throw new Error(`${ids.length} of ${N} submissions accepted`);
    // By name, not by id: N ids are more bound parameters than SQLite takes in one statement.
    const these = { jobQueueId: world.queueId, name: { startsWith: "throughput-" } };
    const finished = () => d.db.job.count({ where: { ...these, status: { in: ["SUCCEEDED", "FAILED"] } } });
    while ((await finished()) < N) await sleep(20);
    const engineMs = performance.now() - start;
    const cpu1 = cpuNow(postmaster);
    const serverMs = ((cpu1.tree - cpu0.tree) * TICK_MS) / N - jobOwnMs;
    const databaseMs = ((cpu1.database - cpu0.database) * TICK_MS) / N;
    const failed = await d.db.job.count({ where: { ...these, status: "FAILED" } });
    const succeeded = N - failed;
    // Only these jobs have written anything yet.
    const logged = await d.db.logChunk.count({ where: { stream: "stdout", data: "hi\n" } });
    const engineRate = succeeded / (engineMs / 1000);

    console.log(`latency: ${SAMPLES} single submissions on the idle engine …`);
    await waitUntilIdle(d);
    const running: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      running.push((await submitAndTime(d, ctx, names, `latency-${i}`)).running);
      await waitUntilIdle(d);
      // A random gap, so submissions do not fall in step with the engine's idle poll.
      await sleep(Math.random() * 25);
    }

    report(`engine throughput (${d.provider}, ${N} jobs, concurrency ${C})`, [
      ["raw spawn-and-wait", `${raw.toFixed(0)} processes/s`],
      ["all submitted after", ms(submittedMs)],
      [
        "engine, submit → all ended",
        `${engineRate.toFixed(0)} jobs/s succeeded  (${logged}/${N} stdout chunks stored)`,
      ],
      ["ratio", `${((engineRate / raw) * 100).toFixed(1)}%  (target ≥ 50%)`],
      [
        "server CPU per job",
        `${(serverMs + databaseMs).toFixed(2)} ms  (Node ${serverMs.toFixed(2)}${postmaster ? ` + PostgreSQL ${databaseMs.toFixed(2)}` : ""}; the job's own ${jobOwnMs.toFixed(2)} ms left out; target ≤ 3 ms)`,
      ],
      [
        "baseline: spawn and reap",
        `${spawnMsPerJob.toFixed(2)} ms of CPU per process  (${((serverMs + databaseMs) / spawnMsPerJob).toFixed(1)}×)`,
      ],
      ["submit → RUNNING", `p50 ${ms(pct(running, 50))}, p99 ${ms(pct(running, 99))}  (target ≤ 50 / ≤ 250 ms)`],
      ["failed jobs", `${failed}${failed > 0 ? "  (the run fails)" : ""}`],
    ]);
    if (failed > 0) throw new Error(`${failed} of ${N} jobs failed: the figures above do not count them`);
  } finally {
    await engine.stop();
    await d.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run(main);

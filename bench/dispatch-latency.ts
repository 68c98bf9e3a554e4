// Submit → RUNNING on an idle engine: jobs submitted one at a time through SubmitJob (the
// domain function the console and /v1 call), each awaited to SUCCEEDED before a short random
// gap and the next one, so every job meets an engine with nothing else to do.
//
//   accepted      SubmitJob's own duration (the caller has its job id)
//   → spawned     JobAttempt.startedAt − submit: the executor spawned the process
//   → RUNNING     Job.startedAt − submit: the RUNNING state is committed (what a caller sees)
//
// Baselines measured in the same run: spawning the same command directly until Node reports
// it started, and one single-row write transaction on the same database.
// Target (DESIGN.md): p50 ≤ 50 ms, p99 ≤ 250 ms ("tens of milliseconds").
//
//   node --import tsx bench/dispatch-latency.ts [--jobs 200] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { adminContext, ms, openDatabase, pct, ratio, report, run, runEngine, sleep, spawnLatency } from "./lib/harness";
import { SMALL_COMMAND, submitAndTime, waitUntilIdle, worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const COMMAND = SMALL_COMMAND;

async function main() {
  const d = await openDatabase(values.postgres);
  const world = await seedEngineWorld(d.db, { maxVcpus: 4, memoryMiB: 4096 });
  const ctx = await adminContext(d.db, world.organizationId);
  const names = await worldNames(d, world);
  const engine = await runEngine(d);
  try {
    console.log(`baseline: ${N} × spawn ${COMMAND.join(" ")}, and ${N} single-row write transactions …`);
    const spawnMs: number[] = [];
    for (let i = 0; i < N; i++) spawnMs.push(await spawnLatency(COMMAND));
    const dbMs: number[] = [];
    for (let i = 0; i < N; i++) {
      const p0 = performance.now();
      await d.db.$transaction((tx) =>
        tx.jobQueue.update({ where: { id: world.queueId }, data: { updatedAt: new Date() } }),
      );
      dbMs.push(performance.now() - p0);
    }

    console.log(`engine: ${N} jobs submitted one at a time through submitJob on ${d.provider} …`);
    const accepted: number[] = [];
    const spawned: number[] = [];
    const running: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = await submitAndTime(d, ctx, names, `latency-${i}`);
      accepted.push(t.accepted);
      spawned.push(t.spawned);
      running.push(t.running);
      await waitUntilIdle(d);
      // A random gap, so submissions do not fall in step with the engine's idle poll.
      await sleep(Math.random() * 25);
    }
    const failed = await d.db.job.count({ where: { status: "FAILED" } });

    const p50 = pct(running, 50);
    const p99 = pct(running, 99);
    report(`dispatch latency (${d.provider}, ${N} jobs)`, [
      ["baseline: spawn → started", `p50 ${ms(pct(spawnMs, 50))}, p99 ${ms(pct(spawnMs, 99))}`],
      ["baseline: 1-row write txn", `p50 ${ms(pct(dbMs, 50))}, p99 ${ms(pct(dbMs, 99))}`],
      ["submitJob accepted", `p50 ${ms(pct(accepted, 50))}, p99 ${ms(pct(accepted, 99))}`],
      ["submit → spawned", `p50 ${ms(pct(spawned, 50))}, p99 ${ms(pct(spawned, 99))}`],
      ["submit → RUNNING", `p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(Math.max(...running))}`],
      ["ratio RUNNING / spawn", `p50 ${ratio(p50, pct(spawnMs, 50))}, p99 ${ratio(p99, pct(spawnMs, 99))}  (same run)`],
      ["ratio RUNNING / write txn", `p50 ${ratio(p50, pct(dbMs, 50))}, p99 ${ratio(p99, pct(dbMs, 99))}`],
      ["target", `p50 ≤ 50 ms, p99 ≤ 250 ms: ${p50 <= 50 && p99 <= 250 ? "met" : "NOT met"}`],
      ["failed jobs", String(failed)],
    ]);
  } finally {
    await engine.stop();
    await d.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run(main);

// A 10,000-child array job of a trivial command, submitted through SubmitJob:
//   accepted        SubmitJob's duration (parent and every child written in one transaction)
//   all RUNNABLE    submit → no child left SUBMITTED or PENDING
//   all dispatched  submit → no child left RUNNABLE (each claimed by the engine)
//   all SUCCEEDED   submit → the parent settled SUCCEEDED, every child SUCCEEDED
// Baseline in the same run: the same 10,000 processes spawned directly (piped output, as the
// executor does) at the engine's concurrency, C jobs of 1 vCPU on a C-vCPU environment.
// Target (DESIGN.md): accepted ≤ 1 s; all children RUNNABLE ≤ 2 s.
//
//   node --import tsx bench/array-10k.ts [--size 10000] [--concurrency 16] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { adminContext, ms, openDatabase, ratio, report, run, runEngine, sleep, spawnMany } from "./lib/harness";
import { worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "16" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.size);
const C = Number(values.concurrency);
const COMMAND = ["true"];

async function main() {
  const d = await openDatabase(values.postgres);
  const world = await seedEngineWorld(d.db, { maxVcpus: C, memoryMiB: C * 1024 });
  const ctx = await adminContext(d.db, world.organizationId);
  const names = await worldNames(d, world);
  const engine = await runEngine(d);
  try {
    console.log(`baseline: ${N} × ${COMMAND.join(" ")} spawned directly at concurrency ${C} …`);
    const rawMs = await spawnMany(COMMAND, N, C);

    console.log(`engine: an array job of ${N} children through submitJob on ${d.provider} …`);
    const input = submitJobInput.parse({
      jobName: "array-bench",
      jobQueue: names.queue,
      jobDefinition: names.definition,
      arrayProperties: { size: N },
      containerOverrides: { command: COMMAND, vcpus: 1, memory: 64 },
    });
    const t0 = performance.now();
    const { jobId } = await submitJob(ctx, input);
    const acceptedMs = performance.now() - t0;
    const children = (status: string[]) => d.db.job.count({ where: { arrayParentId: jobId, status: { in: status } } });
    let runnableMs = Number.NaN;
    let dispatchedMs = Number.NaN;
    let doneMs = Number.NaN;
    let lastProgress = 0;
    for (;;) {
      const now = performance.now() - t0;
      if (Number.isNaN(runnableMs) && (await children(["SUBMITTED", "PENDING"])) === 0) runnableMs = now;
      if (Number.isNaN(dispatchedMs) && (await children(["SUBMITTED", "PENDING", "RUNNABLE"])) === 0) {
        dispatchedMs = now;
      }
      const parent = await d.db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
      if (parent.status === "SUCCEEDED" || parent.status === "FAILED") {
        doneMs = now;
        break;
      }
      if (now - lastProgress > 5_000) {
        lastProgress = now;
        console.log(`  ${(now / 1000).toFixed(0)} s: ${await children(["SUCCEEDED", "FAILED"])} children finished`);
      }
      await sleep(Number.isNaN(runnableMs) ? 5 : 50);
    }
    const parent = await d.db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
    const succeeded = await children(["SUCCEEDED"]);
    const attempts = await d.db.jobAttempt.count({ where: { job: { arrayParentId: jobId } } });

    const rawRate = N / (rawMs / 1000);
    const engineRate = N / ((doneMs - acceptedMs) / 1000);
    report(`array of ${N} (${d.provider}, concurrency ${C})`, [
      ["baseline: raw spawn-and-wait", `${ms(rawMs)} (${rawRate.toFixed(0)} processes/s)`],
      ["accepted (submitJob)", `${ms(acceptedMs)}  (target ≤ 1 s: ${acceptedMs <= 1_000 ? "met" : "NOT met"})`],
      ["submit → all RUNNABLE", `${ms(runnableMs)}  (target ≤ 2 s: ${runnableMs <= 2_000 ? "met" : "NOT met"})`],
      ["submit → all dispatched", ms(dispatchedMs)],
      ["submit → all SUCCEEDED", `${ms(doneMs)} (${engineRate.toFixed(0)} jobs/s after acceptance)`],
      // How far the database trails the host: the last children ran long before this if the
      // engine's writes fall behind.
      ["last dispatched → parent settled", ms(doneMs - dispatchedMs)],
      [
        "ratio engine / raw time",
        `${ratio(doneMs, rawMs)} (engine rate ${((engineRate / rawRate) * 100).toFixed(1)}% of raw)`,
      ],
      ["outcome", `parent ${parent.status}; ${succeeded}/${N} children SUCCEEDED; ${attempts} attempts`],
    ]);
  } finally {
    await engine.stop();
    await d.close();
  }
}

run(main);

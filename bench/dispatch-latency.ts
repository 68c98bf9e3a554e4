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
// --v1: the same through the API as a user submits, against Batchdeck's processes as `npm start`
// runs them (bench/lib/production.ts: the production web server and engine/main.ts with its
// defaults, no container runtime): each job sent with the AWS SDK (SubmitJob, SigV4 with an
// access key of the organization's admin) to the web server's /v1, awaited to SUCCEEDED in the
// database, then a short random gap. Submit → RUNNING is Job.startedAt (written by the engine
// process) − the client's clock just before sending; "SubmitJob call" is the SDK call's own
// duration. One more baseline beside the two above: a signed SubmitJob the server authenticates
// and then refuses (it names no queue), one at a time: HTTP, SigV4 and the key lookup, no write.
// Target (issue 20): p50 ≤ 20 ms, p99 ≤ 100 ms submit → RUNNING on an idle engine.
//
//   node --import tsx bench/dispatch-latency.ts [--jobs 200] [--v1] [--postgres | --both] [--pg-fsync-off]
import { parseArgs } from "node:util";
import { SubmitJobCommand } from "@aws-sdk/client-batch";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
// @ts-expect-error plain ESM helper without type declarations
import { freePort } from "../scripts/lib/pg-cluster.mjs";
import {
  adminContext,
  type BenchDatabase,
  ms,
  noteSetting,
  openDatabase,
  pct,
  ratio,
  report,
  run,
  runEngine,
  runOnBothDatabases,
  sleep,
  spawnLatency,
} from "./lib/harness";
import {
  engineProcessSettings,
  ensureBuilt,
  jobTimes,
  onCleanup,
  startEngineProcess,
  startWebServer,
  stopAll,
  v1Client,
  waitHealthy,
  waitLeading,
} from "./lib/production";
import { SMALL_COMMAND, submitAndTime, waitUntilIdle, worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    v1: { type: "boolean", default: false },
    postgres: { type: "boolean", default: false },
    both: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
/** --v1: how often the database is read for the job's end. */
const POLL_MS = 10;
const COMMAND = SMALL_COMMAND;

/** The same-run baselines of both modes: spawning the command, one single-row write transaction. */
async function baselines(d: BenchDatabase, queueId: string) {
  console.log(`baseline: ${N} × spawn ${COMMAND.join(" ")}, and ${N} single-row write transactions …`);
  const spawnMs: number[] = [];
  for (let i = 0; i < N; i++) spawnMs.push(await spawnLatency(COMMAND));
  const dbMs: number[] = [];
  for (let i = 0; i < N; i++) {
    const p0 = performance.now();
    await d.db.$transaction((tx) => tx.jobQueue.update({ where: { id: queueId }, data: { updatedAt: new Date() } }));
    dbMs.push(performance.now() - p0);
  }
  return { spawnMs, dbMs };
}

async function main() {
  const d = await openDatabase(values.postgres);
  const world = await seedEngineWorld(d.db, { maxVcpus: 4, memoryMiB: 4096 });
  const ctx = await adminContext(d.db, world.organizationId);
  const names = await worldNames(d, world);
  const engine = await runEngine(d);
  try {
    const { spawnMs, dbMs } = await baselines(d, world.queueId);

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

/** --v1: SubmitJob through the production web server's /v1 to the engine process, one job at a time. */
async function mainV1() {
  ensureBuilt();
  const d = await openDatabase(values.postgres);
  onCleanup(() => d.close());
  try {
    const world = await seedEngineWorld(d.db, { maxVcpus: 4, memoryMiB: 4096 });
    const names = await worldNames(d, world);
    const port = (await freePort()) as number;
    const base = `http://127.0.0.1:${port}`;
    const web = startWebServer(d, port);
    const engine = startEngineProcess(d, "dispatch-latency-v1");
    await waitHealthy(base, web.child);
    await waitLeading(base, engine);
    noteSetting("engine", engineProcessSettings(d));
    noteSetting("web server", `server/web-server.ts, NODE_ENV production, ${base}`);
    const batch = await v1Client(d, world.organizationId, base);
    onCleanup(() => batch.destroy());
    const submit = (jobName: string) =>
      new SubmitJobCommand({
        jobName,
        jobQueue: names.queue,
        jobDefinition: names.definition,
        containerOverrides: {
          command: COMMAND,
          resourceRequirements: [
            { type: "VCPU", value: "1" },
            { type: "MEMORY", value: "64" },
          ],
        },
      });

    /** Submits one job through /v1 and waits for it to succeed; its latencies, in ms. */
    const submitAndWait = async (jobName: string) => {
      const t0 = Date.now();
      const p0 = performance.now();
      const { jobId } = await batch.send(submit(jobName));
      const call = performance.now() - p0;
      for (;;) {
        const job = await jobTimes(d.db, jobId!);
        if (job.status === "SUCCEEDED") {
          return {
            call,
            spawned: Number(job.attempts[0]!.startedAt) - t0,
            running: Number(job.startedAt) - t0,
            succeeded: Number(job.stoppedAt) - t0,
          };
        }
        if (job.status === "FAILED") throw new Error(`job ${jobId} failed: ${job.statusReason}`);
        // The times are the engine's own: polling sooner would only take CPU from the processes measured.
        await sleep(POLL_MS);
      }
    };

    // Warm the web server's and the engine's paths (module loading, JIT, connections), untimed.
    for (let i = 0; i < 5; i++) await submitAndWait(`warm-${i}`);
    const { spawnMs, dbMs } = await baselines(d, world.queueId);
    console.log(`baseline: ${N} signed SubmitJob requests refused after authentication …`);
    const refusedMs: number[] = [];
    for (let i = 0; i < N; i++) {
      const p0 = performance.now();
      await batch.send(new SubmitJobCommand({ jobName: "x", jobQueue: "", jobDefinition: "" })).catch((e) => {
        if ((e as { name?: string }).name !== "ClientException") throw e;
      });
      refusedMs.push(performance.now() - p0);
    }

    console.log(`engine: ${N} jobs submitted one at a time through /v1 on ${d.provider} …`);
    const calls: number[] = [];
    const spawned: number[] = [];
    const running: number[] = [];
    const succeeded: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = await submitAndWait(`latency-${i}`);
      calls.push(t.call);
      spawned.push(t.spawned);
      running.push(t.running);
      succeeded.push(t.succeeded);
      // A random gap, so submissions do not fall in step with any timer of the engine's.
      await sleep(Math.random() * 25);
    }
    if (!engine.running() || !web.running()) throw new Error("a process exited during the run");

    const p50 = pct(running, 50);
    const p99 = pct(running, 99);
    const both = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p99 ${ms(pct(xs, 99))}`;
    report(`dispatch latency through /v1 (${d.provider}, ${N} jobs)`, [
      ["baseline: spawn → started", both(spawnMs)],
      ["baseline: 1-row write txn", both(dbMs)],
      ["baseline: signed request refused", `${both(refusedMs)} (SigV4 + key lookup, no write)`],
      [
        "SubmitJob call (SDK)",
        `${both(calls)}, ${ratio(pct(calls, 50), pct(refusedMs, 50))} the refused request at p50`,
      ],
      ["submit → spawned", both(spawned)],
      ["submit → RUNNING", `${both(running)}, max ${ms(Math.max(...running))}`],
      ["submit → SUCCEEDED", both(succeeded)],
      ["ratio RUNNING / spawn", `p50 ${ratio(p50, pct(spawnMs, 50))}, p99 ${ratio(p99, pct(spawnMs, 99))}  (same run)`],
      ["ratio RUNNING / write txn", `p50 ${ratio(p50, pct(dbMs, 50))}, p99 ${ratio(p99, pct(dbMs, 99))}`],
      ["target (issue 20)", `p50 ≤ 20 ms, p99 ≤ 100 ms: ${p50 <= 20 && p99 <= 100 ? "met" : "NOT met"}`],
    ]);
  } finally {
    await stopAll();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runOnBothDatabases();
  run(values.v1 ? mainV1 : main);
}

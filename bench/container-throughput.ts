// The container executor against the container runtime itself, in the same run:
//   1. baseline: `podman run --rm IMAGE true` (the CLI a person would use) at concurrency C, N times;
//   2. engine: N RUNNABLE jobs of the same image and command through the engine (container
//      created, started, waited on, its log read and stored, removed; every state written),
//      with an environment of C vCPUs and 1-vCPU jobs;
//   3. dispatch overhead on an idle engine: job RUNNABLE → its container running (the runtime's
//      own StartedAt), against a bare create + start of the same container through the same API.
// Target (issue 13): engine ≥ 0.8× the baseline's rate; dispatch overhead p50 ≤ 50 ms.
//
//   npm run bench:containers -- [--jobs 200] [--concurrency 4] [--samples 30] [--postgres [--pg-fsync-off]]
//   (default: a temporary SQLite file; --postgres: a throwaway PostgreSQL cluster). Run as root
//   on a host with Podman and runc; the image is the tests' busybox image, built locally.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ContainerRuntime } from "@/engine/containers/runtime";
import { startEngine } from "@/engine/engine";
import { createDb, providerOf } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { insertJobs, seedEngineWorld, waitFor } from "@/tests/helpers/engine-fixtures";
import { ensureTestImage } from "@/tests/helpers/test-image";
import { openDatabase, run } from "./lib/harness";
import { databaseSettings, engineSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    samples: { type: "string", default: "30" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const C = Number(values.concurrency);
const SAMPLES = Number(values.samples);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;

function podmanRun(runtime: ContainerRuntime, image: string): Promise<void> {
  const { nofile, nproc } = runtime.ulimitCeiling;
  return new Promise((resolve, reject) => {
    const child = spawn(
      "podman",
      [
        "run",
        "--rm",
        "--runtime",
        "runc",
        "--ulimit",
        `nofile=${nofile}:${nofile}`,
        "--ulimit",
        `nproc=${nproc}:${nproc}`,
        image,
        "true",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`podman run: ${code}: ${err}`))));
  });
}

/** A bare create + start through the API, as the engine would make it, until the runtime says it started. */
async function bareStart(runtime: ContainerRuntime, image: string): Promise<number> {
  const { nofile, nproc } = runtime.ulimitCeiling;
  const t0 = Date.now();
  const { Id } = await runtime.api.createContainer({
    Image: image,
    Cmd: ["sleep", "1"],
    Labels: { "batchdeck.bench": "1" },
    HostConfig: {
      Ulimits: [
        { Name: "nofile", Soft: nofile, Hard: nofile },
        { Name: "nproc", Soft: nproc, Hard: nproc },
      ],
    },
  });
  await runtime.api.startContainer(Id);
  const started = Date.parse((await runtime.api.inspectContainer(Id)).State.StartedAt);
  await runtime.api.removeContainer(Id, { force: true });
  return started - t0;
}

async function main() {
  const image = await ensureTestImage();
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-containers-"));
  const owned = values.postgres ? await openDatabase(true) : null;
  const url = owned?.url ?? `file:${join(dir, "bench.db")}`;
  if (!owned) await migrate(url);
  const db = owned?.db ?? createDb(url);
  const world = await seedEngineWorld(db, {
    maxVcpus: C,
    memoryMiB: C * 1024,
    tags: { "batchdeck:executor": "container" },
  });
  // As `npm start` runs it: production defaults (poll, log flush), a uid per attempt unused here.
  const options = { databaseUrl: url, dataDir: dir, sampleMs: 0, log: () => {} };
  const engine = startEngine({ db, provider: providerOf(url), ...options });
  const runtime = await engine.containerRuntime();
  if (!runtime) throw new Error(`no container runtime: ${(await engine.executors()).container.reason}`);
  await engine.leading();
  console.log(
    `settings: ${N} jobs of \`${image} true\`, concurrency ${C}, ${SAMPLES} latency samples, ${runtime.kind} ${runtime.version}`,
  );
  console.log(`database: ${await databaseSettings(db, providerOf(url))}`);
  console.log(`engine: ${engineSettings(options)}`);
  try {
    // Interleaved halves, so a noisy minute weighs on both sides alike.
    let baseSeconds = 0;
    let engineSeconds = 0;
    for (let half = 0; half < 2; half++) {
      const n = Math.ceil(N / 2);
      const t0 = performance.now();
      await baselineRateOf(runtime, image, n);
      baseSeconds += (performance.now() - t0) / 1000;

      // From the jobs' insertion (RUNNABLE, as a submission leaves them) to the last one's end.
      const t1 = performance.now();
      const ids = await insertJobs(
        db,
        world,
        Array.from({ length: n }, () => ({ image, command: ["true"], vcpus: 1, memoryMiB: 128 })),
      );
      await waitFor(
        "every job to finish",
        async () => (await db.job.count({ where: { id: { in: ids }, status: { in: ["SUCCEEDED", "FAILED"] } } })) === n,
        30 * 60_000,
        50,
      );
      engineSeconds += (performance.now() - t1) / 1000;
      const failed = await db.job.count({ where: { id: { in: ids }, status: "FAILED" } });
      if (failed > 0) throw new Error(`${failed} jobs failed: the figures would count failures as work done`);
    }
    const total = Math.ceil(N / 2) * 2;
    const baseRate = total / baseSeconds;
    const engineRate = total / engineSeconds;
    console.log(`podman run --rm:        ${baseRate.toFixed(2)} containers/s`);
    console.log(`engine (container jobs): ${engineRate.toFixed(2)} jobs/s`);
    console.log(`ratio engine / podman run: ${(engineRate / baseRate).toFixed(2)}× (target ≥ 0.8×)`);

    // Dispatch overhead on an idle engine: one job at a time, beside a bare start each.
    const engineLatency: number[] = [];
    const bareLatency: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      bareLatency.push(await bareStart(runtime, image));
      const inserted = Date.now();
      const [id] = await insertJobs(db, world, [{ image, command: ["sleep", "1"], runnableAt: inserted }]);
      const container = await waitFor(
        "the job's container",
        async () => (await runtime.api.listContainers({ labels: [`batchdeck.job=${id}`] }))[0],
        60_000,
        5,
      );
      const started = Date.parse((await runtime.api.inspectContainer(container.Id)).State.StartedAt);
      engineLatency.push(started - inserted);
      await waitFor(
        "the job to end",
        async () => (await db.job.findUniqueOrThrow({ where: { id } })).status === "SUCCEEDED",
        60_000,
      );
    }
    engineLatency.sort((a, b) => a - b);
    bareLatency.sort((a, b) => a - b);
    const overhead = pct(engineLatency, 50) - pct(bareLatency, 50);
    console.log(`RUNNABLE → container started: p50 ${ms(pct(engineLatency, 50))}, p99 ${ms(pct(engineLatency, 99))}`);
    console.log(`bare create + start (API):    p50 ${ms(pct(bareLatency, 50))}, p99 ${ms(pct(bareLatency, 99))}`);
    console.log(`dispatch overhead p50: ${ms(overhead)} (target ≤ 50 ms)`);
  } finally {
    await engine.stop();
    await db.$disconnect();
    await owned?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function baselineRateOf(runtime: ContainerRuntime, image: string, n: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  return Promise.all(
    Array.from({ length: C }, async () => {
      while (next++ < n) await podmanRun(runtime, image);
    }),
  ).then(() => n / ((performance.now() - start) / 1000));
}

// Exits once the figures are out, as the other benchmarks do: something of the engine run kept it
// alive after them.
run(main);

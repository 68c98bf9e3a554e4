// Engine throughput and latency, measured against a baseline taken in the same run:
//   1. raw: spawn `sh -c 'echo hi'` with piped output at concurrency C, N times, and wait;
//   2. engine: N RUNNABLE jobs running the same command through the engine (logs captured,
//      every state and attempt written), with an environment of C vCPUs and 1-vCPU jobs;
//   3. submit → RUNNING latency on the idle engine (Job.startedAt − insert time), p50/p99.
// Target (DESIGN.md): engine ≥ 50% of raw; p50 ≤ 50 ms, p99 ≤ 250 ms.
//
//   node_modules/.bin/tsx bench/engine-throughput.ts [--jobs 2000] [--concurrency 16]
//     [--latency-samples 100] [--database-url postgres://…] [--postgres]
//   (default: a temporary SQLite file; --postgres: a throwaway PostgreSQL cluster)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEngine } from "@/engine/engine";
import { createDb, providerOf } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { insertJobs, seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { openDatabase } from "./lib/harness";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    "latency-samples": { type: "string", default: "100" },
    "database-url": { type: "string" },
    postgres: { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const C = Number(values.concurrency);
const SAMPLES = Number(values["latency-samples"]);
const COMMAND = ["sh", "-c", "echo hi"];

function spawnAndWait(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(COMMAND[0]!, COMMAND.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout.on("data", () => {});
    child.stderr.on("data", () => {});
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

async function rawRate(): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next++ < N) await spawnAndWait();
    }),
  );
  return N / ((performance.now() - start) / 1000);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  const owned = values.postgres ? await openDatabase(true) : null;
  const url = owned?.url ?? values["database-url"] ?? `file:${join(dir, "bench.db")}`;
  if (!owned) await migrate(url);
  const db = owned?.db ?? createDb(url);
  const world = await seedEngineWorld(db, { maxVcpus: C, memoryMiB: C * 1024 });
  const engine = startEngine({
    db,
    provider: providerOf(url),
    databaseUrl: url,
    dataDir: dir,
    pollMs: 5,
    sampleMs: 0,
    runAsUser: null,
    log: () => {},
  });
  await engine.leading();
  try {
    console.log(`raw spawn-and-wait: ${N} × ${COMMAND.join(" ")} at concurrency ${C} …`);
    const raw = await rawRate();

    console.log(`engine: ${N} jobs through ${providerOf(url)} …`);
    const ids: string[] = [];
    for (let i = 0; i < N; i += 500) {
      ids.push(
        ...(await insertJobs(
          db,
          world,
          Array.from({ length: Math.min(500, N - i) }, () => ({ command: COMMAND, memoryMiB: 64 })),
        )),
      );
    }
    const start = performance.now();
    for (;;) {
      const done = await db.job.count({
        where: { jobQueueId: world.queueId, status: { in: ["SUCCEEDED", "FAILED"] } },
      });
      if (done >= N) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const engineRate = N / ((performance.now() - start) / 1000);
    const failed = await db.job.count({ where: { jobQueueId: world.queueId, status: "FAILED" } });
    const logged = await db.logChunk.count({ where: { stream: "stdout", data: "hi\n" } });

    console.log(`latency: ${SAMPLES} single submissions on the idle engine …`);
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const submittedAt = Date.now();
      const [id] = await insertJobs(db, world, [
        { command: ["true"], createdAt: submittedAt, runnableAt: submittedAt, memoryMiB: 64 },
      ]);
      for (;;) {
        const job = await db.job.findUniqueOrThrow({ where: { id }, select: { startedAt: true, status: true } });
        if (job.startedAt !== null) {
          latencies.push(Number(job.startedAt) - submittedAt);
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    latencies.sort((a, b) => a - b);

    console.log("");
    console.log(`raw spawn-and-wait     ${raw.toFixed(0)} processes/s`);
    console.log(
      `engine end to end      ${engineRate.toFixed(0)} jobs/s  (${failed} failed, ${logged}/${N} stdout chunks stored)`,
    );
    console.log(`ratio                  ${((engineRate / raw) * 100).toFixed(1)}%  (target ≥ 50%)`);
    console.log(
      `submit → RUNNING       p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms  (target ≤ 50 / ≤ 250)`,
    );
  } finally {
    await engine.stop();
    if (owned) await owned.close();
    else await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

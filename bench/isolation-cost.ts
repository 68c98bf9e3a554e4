// What running each attempt as a uid of its own costs (engine/job-users.ts): the same N trivial
// jobs through the engine twice in one run, first as the engine's own user (the baseline: no
// uid switch, no kill of the uid at the end), then with a uid per attempt. Needs root.
//
//   node --import tsx bench/isolation-cost.ts [--jobs 1000] [--concurrency 16]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEngine } from "@/engine/engine";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { insertJobs, seedEngineWorld } from "@/tests/helpers/engine-fixtures";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
  },
});
const N = Number(values.jobs);
const C = Number(values.concurrency);
const COMMAND = ["sh", "-c", "echo hi"];

async function rate(runAsUser: null | undefined): Promise<{ rate: number; failed: number }> {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  await migrate(url);
  const db = createDb(url);
  const world = await seedEngineWorld(db, { maxVcpus: C, memoryMiB: C * 1024 });
  const engine = startEngine({
    db,
    provider: "sqlite",
    databaseUrl: url,
    dataDir: dir,
    pollMs: 5,
    sampleMs: 0,
    runAsUser,
    log: () => {},
  });
  await engine.leading();
  try {
    for (let i = 0; i < N; i += 500) {
      await insertJobs(
        db,
        world,
        Array.from({ length: Math.min(500, N - i) }, () => ({ command: COMMAND, memoryMiB: 64 })),
      );
    }
    const start = performance.now();
    for (;;) {
      const done = await db.job.count({ where: { status: { in: ["SUCCEEDED", "FAILED"] } } });
      if (done >= N) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = (performance.now() - start) / 1000;
    return { rate: N / elapsed, failed: await db.job.count({ where: { status: "FAILED" } }) };
  } finally {
    await engine.stop();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error("a uid per attempt needs root: run this as root");
  console.log(`${N} × ${COMMAND.join(" ")} at concurrency ${C}, as the engine's user …`);
  const shared = await rate(null);
  console.log(`the same with a uid per attempt …`);
  const own = await rate(undefined);
  console.log("");
  console.log(`engine's user (baseline)   ${shared.rate.toFixed(0)} jobs/s  (${shared.failed} failed)`);
  console.log(`uid per attempt            ${own.rate.toFixed(0)} jobs/s  (${own.failed} failed)`);
  console.log(`ratio                      ${((own.rate / shared.rate) * 100).toFixed(1)}%`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The resource pages' live reads at scale: jobs per status per queue (the job queues page
// polls it every 2 s) and capacity in use per compute environment, with 1,000,000 jobs stored
// in the organization (mostly finished, as a long-lived install has). Target (DESIGN.md):
// console data ≤ 200 ms server time, p95.
//
//   node_modules/.bin/tsx bench/resource-reads.ts [--jobs 1000000] [--runs 30] [--postgres [--pg-fsync-off]]
//   (SQLite in a temporary file by default; --postgres starts a throwaway cluster, durable
//   unless --pg-fsync-off)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { builtinBackend } from "@/lib/backends/builtin";
import { createDb, type Db } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { newId } from "@/lib/ids";
import { type EngineWorld, seedEngineWorld } from "@/tests/helpers/engine-fixtures";
// @ts-expect-error plain ESM helper without type declarations
import { startPgCluster } from "../scripts/lib/pg-cluster.mjs";
import { databaseSettings, pgDurable } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const RUNS = Number(values.runs);
const QUEUES = 5;

/** Status of the i-th job: 90% SUCCEEDED, 6% FAILED, 3% RUNNABLE, the rest spread over the others. */
const STATUS_SQL = (i: string) => `CASE
  WHEN ${i} % 100 < 90 THEN 'SUCCEEDED'
  WHEN ${i} % 100 < 96 THEN 'FAILED'
  WHEN ${i} % 100 < 99 THEN 'RUNNABLE'
  WHEN ${i} % 1000 = 990 THEN 'RUNNING'
  WHEN ${i} % 1000 = 991 THEN 'STARTING'
  WHEN ${i} % 1000 < 995 THEN 'PENDING'
  ELSE 'SUBMITTED' END`;

async function fill(db: Db, provider: "sqlite" | "postgresql", world: EngineWorld, queueIds: string[], n: number) {
  const queueCase = `CASE ${queueIds.map((q, k) => `WHEN i % ${queueIds.length} = ${k} THEN '${q}'`).join(" ")} END`;
  const select = (from: string) => `
    SELECT '${world.organizationId.slice(0, 8)}-' || i, '${world.organizationId}', 'job-' || i, ${queueCase},
      '${world.definitionId}', ${STATUS_SQL("i")}, 1700000000000 + i, 1700000000000 + i,
      CASE WHEN ${STATUS_SQL("i")} IN ('RUNNING', 'STARTING') THEN '${world.environmentId}' ELSE NULL END
    FROM ${from}`;
  const columns = `("id", "organizationId", "name", "jobQueueId", "jobDefinitionId", "status", "createdAt", "updatedAt", "computeEnvironmentId")`;
  if (provider === "postgresql") {
    await db.$executeRawUnsafe(`INSERT INTO "Job" ${columns} ${select(`generate_series(1, ${n}) AS g(i)`)}`);
  } else {
    // In batches: one statement of a million rows holds the whole insert in one journal.
    for (let start = 0; start < n; start += 200_000) {
      const end = Math.min(n, start + 200_000);
      await db.$executeRawUnsafe(
        `WITH RECURSIVE s(i) AS (SELECT ${start + 1} UNION ALL SELECT i + 1 FROM s WHERE i < ${end})
         INSERT INTO "Job" ${columns} ${select("s")}`,
      );
    }
  }
}

async function time(fn: () => Promise<unknown>) {
  await fn(); // warm caches and the prepared statement
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}

async function main() {
  let url: string;
  let cleanup: () => Promise<void> | void;
  if (values.postgres) {
    const cluster = await startPgCluster({ durable: pgDurable() });
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    url = cluster.urlFor("bench");
    cleanup = () => cluster.stop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
    url = `file:${join(dir, "bench.db")}`;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  const provider = values.postgres ? "postgresql" : "sqlite";
  try {
    await migrate(url);
    const db = createDb(url);
    console.log(`database: ${await databaseSettings(db, provider)}`);
    const world = await seedEngineWorld(db, { maxVcpus: 64, memoryMiB: 65536 });
    const queueIds = [world.queueId];
    for (let k = 1; k < QUEUES; k++) {
      const id = newId();
      await db.jobQueue.create({
        data: {
          id,
          organizationId: world.organizationId,
          name: `bench-q${k}`,
          liveName: `bench-q${k}`,
          arn: `arn:aws:batch:us-east-1:000000000000:job-queue/bench-q${k}-${id.slice(0, 6)}`,
          priority: k,
          computeEnvironments: { create: [{ computeEnvironmentId: world.environmentId, order: 1 }] },
        },
      });
      queueIds.push(id);
    }
    // Another organization's jobs share the table and the indexes, as on a hosted install.
    const other = await seedEngineWorld(db);
    const filling = performance.now();
    await fill(db, provider, world, queueIds, N);
    await fill(db, provider, other, [other.queueId], Math.floor(N / 10));
    // As autovacuum leaves a settled table: statistics, and a visibility map for index-only scans.
    if (provider === "postgresql") await db.$executeRawUnsafe(`VACUUM ANALYZE "Job"`);
    else await db.$executeRawUnsafe("ANALYZE");
    console.log(
      `${provider}: ${N} jobs in ${QUEUES} queues (+${Math.floor(N / 10)} in another organization), filled in ${((performance.now() - filling) / 1000).toFixed(1)} s`,
    );

    const ctx = { db, organizationId: world.organizationId };
    const counts = await builtinBackend.jobQueueCounts(ctx as never);
    const total = counts.jobQueues.reduce((s, q) => s + Object.values(q.counts).reduce((a, b) => a + b, 0), 0);
    if (total !== N) throw new Error(`jobQueueCounts saw ${total} jobs, expected ${N}`);
    console.log(
      `jobQueueCounts          ${await time(() => builtinBackend.jobQueueCounts(ctx as never))}  (finished counts cached ≤ 5 s; target p95 ≤ 200 ms)`,
    );
    console.log(
      `  … finished counted now ${await time(() => builtinBackend.jobQueueCounts(ctx as never, { terminalMaxAgeMs: 0 }))}  (the cache's refresh, in the background)`,
    );
    const raw = `SELECT "jobQueueId", "status", COUNT(*) AS n FROM "Job" WHERE "organizationId" = '${world.organizationId}' GROUP BY "jobQueueId", "status"`;
    if (process.env.EXPLAIN) {
      console.log(
        await db.$queryRawUnsafe(`${provider === "sqlite" ? "EXPLAIN QUERY PLAN" : "EXPLAIN ANALYZE"} ${raw}`),
      );
      console.log(`raw GROUP BY            ${await time(() => db.$queryRawUnsafe(raw))}`);
    }
    console.log(`computeEnvironmentUsage ${await time(() => builtinBackend.computeEnvironmentUsage(ctx as never))}`);
    await db.$disconnect();
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

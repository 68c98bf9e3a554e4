// GET /api/metrics with a large Job table: the scrape counts jobs waiting and running over
// Job's (status, …) index; finished jobs are counted once a minute in the background. Printed against a baseline from the same run: the health check's
// read of the leader row (what any scrape costs at least).
//
//   node --import tsx bench/metrics-scrape.ts [--jobs 1000000] [--reps 20] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { Prisma } from "@/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { readHealth } from "@/lib/health";
import { collectMetrics, renderExposition } from "@/lib/metrics/prometheus";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { ms, openDatabase, pct, ratio, report, run } from "./lib/harness";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    reps: { type: "string", default: "20" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const REPS = Number(values.reps);

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

const countFinished = (db: Db) =>
  db.job.groupBy({ by: ["status"], where: { status: { in: ["SUCCEEDED", "FAILED"] } }, _count: { _all: true } });

run(async () => {
  const bench = await openDatabase(values.postgres);
  const { db, provider } = bench;
  try {
    const world = await seedEngineWorld(db);
    await db.engineLease.create({
      data: { name: "leader", holder: "bench", acquiredAt: Date.now(), heartbeatAt: Date.now(), expiresAt: Date.now() },
    });
    console.log(`seeding ${N.toLocaleString("en-US")} jobs on ${provider} …`);
    const base = Date.now() - N;
    for (let from = 0; from < N; from += 100_000) {
      const to = Math.min(N, from + 100_000) - 1;
      const series =
        provider === "sqlite"
          ? Prisma.sql`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}) SELECT i FROM n`
          : Prisma.sql`SELECT generate_series(${from}::int, ${to}::int) AS i`;
      // 90% SUCCEEDED, 5% FAILED, 4% RUNNABLE, 1% RUNNING.
      await db.$executeRaw`
        INSERT INTO "Job" ("id", "organizationId", "name", "jobQueueId", "jobDefinitionId", "status", "createdAt", "updatedAt")
        SELECT 'bench-' || s.i, ${world.organizationId}, 'batch-' || s.i, ${world.queueId}, ${world.definitionId},
               CASE WHEN s.i % 100 < 90 THEN 'SUCCEEDED' WHEN s.i % 100 < 95 THEN 'FAILED'
                    WHEN s.i % 100 < 99 THEN 'RUNNABLE' ELSE 'RUNNING' END,
               CAST(${base} AS BIGINT) + s.i, CAST(${base} AS BIGINT) + s.i
        FROM (${series}) AS s`;
    }
    await db.$executeRawUnsafe(provider === "sqlite" ? "ANALYZE" : 'ANALYZE "Job"');
    const baseline = await time(() => readHealth(db));
    // Cold: counting the finished jobs too (the first scrape, then once a minute in the
    // background); warm: every other scrape.
    const cold = await time(() => countFinished(db));
    const scrape = await time(async () => renderExposition(await collectMetrics(db)));
    report(`metrics scrape, ${N.toLocaleString("en-US")} jobs, ${provider}`, [
      ["baseline: health check (leader row) p50", ms(pct(baseline, 50))],
      [
        "scrape (jobs by status + leader row) p50",
        `${ms(pct(scrape, 50))}  (${ratio(pct(scrape, 50), pct(baseline, 50))})`,
      ],
      ["scrape p95", ms(pct(scrape, 95))],
      [
        "finished jobs count (once a minute, background) p50",
        `${ms(pct(cold, 50))}  (${ratio(pct(cold, 50), pct(baseline, 50))})`,
      ],
    ]);
  } finally {
    await bench.close();
  }
});

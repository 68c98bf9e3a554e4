// The console's job queries with a large table: the list page (several filters, deep pages,
// paging back), the bulk-by-filter id pages, the capped count and "why isn't this job running".
// Target (DESIGN.md): with 1,000,000 jobs stored, job list data ≤ 200 ms server time (p95).
//
//   node_modules/.bin/tsx bench/job-list.ts [--jobs 1000000] [--reps 30]
//     [--database-url postgres://…]   (default: a temporary SQLite file)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Prisma } from "@/generated/sqlite/client";
import { createDb, providerOf } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { explainJob } from "@/lib/jobs/explain-job";
import { countJobsForConsole, listJobsForConsole, resolveJobFilter } from "@/lib/jobs/list-jobs";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { contextFor, createUser } from "@/tests/helpers/fixtures";
import { databaseSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    reps: { type: "string", default: "30" },
    "database-url": { type: "string" },
  },
});
const N = Number(values.jobs);
const REPS = Number(values.reps);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function time(label: string, fn: () => Promise<unknown>) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(52)} p50 ${pct(samples, 50).toFixed(1).padStart(7)} ms   p95 ${pct(samples, 95).toFixed(1).padStart(7)} ms`,
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  const url = values["database-url"] ?? `file:${join(dir, "bench.db")}`;
  const provider = providerOf(url);
  await migrate(url);
  const db = createDb(url);
  try {
    console.log(`database: ${await databaseSettings(db, provider)}`);
    const world = await seedEngineWorld(db, { maxVcpus: 4, memoryMiB: 8192 });
    const user = await createUser(db, `bench-${Date.now()}@example.com`);
    const ctx = contextFor(db, world.organizationId, user, "admin");

    // 90% SUCCEEDED, 5% FAILED, 4% RUNNABLE, 1% RUNNING; one name in ten starts "nightly-".
    console.log(`seeding ${N.toLocaleString("en-US")} jobs on ${provider} …`);
    const seedStart = performance.now();
    const base = Date.now() - N;
    const chunk = 100_000;
    for (let from = 0; from < N; from += chunk) {
      const to = Math.min(N, from + chunk) - 1;
      const series =
        provider === "sqlite"
          ? Prisma.sql`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}) SELECT i FROM n`
          : Prisma.sql`SELECT generate_series(${from}::int, ${to}::int) AS i`;
      await db.$executeRaw`
        INSERT INTO "Job" ("id", "organizationId", "name", "jobQueueId", "jobDefinitionId", "status", "createdAt", "updatedAt", "runnableAt")
        SELECT 'bench-' || s.i, ${world.organizationId},
               CASE WHEN s.i % 10 = 0 THEN 'nightly-' || s.i ELSE 'batch-' || s.i END,
               ${world.queueId}, ${world.definitionId},
               CASE WHEN s.i % 100 < 90 THEN 'SUCCEEDED' WHEN s.i % 100 < 95 THEN 'FAILED'
                    WHEN s.i % 100 < 99 THEN 'RUNNABLE' ELSE 'RUNNING' END,
               ${base} + s.i, ${base} + s.i,
               CASE WHEN s.i % 100 BETWEEN 95 AND 98 THEN ${base} + s.i ELSE NULL END
        FROM (${series}) AS s`;
    }
    if (provider === "sqlite") await db.$executeRawUnsafe("ANALYZE");
    else await db.$executeRawUnsafe('ANALYZE "Job"');
    console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const page = (extra: Record<string, unknown>) => listJobsForConsole(ctx, { status: "ALL", limit: 50, ...extra });
    await time("list, every status, first page", () => page({}));
    await time("list, RUNNABLE", () => page({ status: "RUNNABLE" }));
    await time("list, queue + FAILED", () => page({ queue: world.queueId, status: "FAILED" }));
    await time("list, name starts with nightly", () => page({ name: "nightly*" }));
    await time("list, name prefix matching ~1 in 100,000", () => page({ name: "nightly-12345*" }));
    await time("list, created in a 1,000 ms window", () =>
      page({ createdAfter: base + N / 2, createdBefore: base + N / 2 + 1_000 }),
    );
    let cursor: string | undefined;
    for (let i = 0; i < 200; i++) cursor = (await page({ cursor })).nextCursor ?? undefined;
    await time("list, page 201 (cursor)", () => page({ cursor }));
    const deep = await page({ cursor });
    await time("list, back from page 202 (before cursor)", () => page({ before: deep.prevCursor ?? undefined }));
    await time("bulk ids: 500 RUNNABLE by filter", () => resolveJobFilter(ctx, { status: "RUNNABLE", limit: 500 }));
    await time("count, RUNNABLE (exact)", () => countJobsForConsole(ctx, { status: "RUNNABLE" }));
    await time("count, every job (capped at 100,000)", () => countJobsForConsole(ctx, { status: "ALL" }));
    const runnable = await db.job.findFirst({
      where: { organizationId: world.organizationId, status: "RUNNABLE" },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (runnable) await time("why not running (last of the queue)", () => explainJob(ctx, { jobId: runnable.id }));
    // Again at the end: the first series runs right after the bulk insert and ANALYZE.
    await time("list, every status, first page (again)", () => page({}));

    if (provider === "sqlite") {
      for (const [label, where] of [
        ["every status", ""],
        ["RUNNABLE", `AND "status" IN ('RUNNABLE')`],
        ["name prefix", `AND LOWER("name") LIKE 'nightly%' ESCAPE '\\'`],
      ]) {
        const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
          `EXPLAIN QUERY PLAN SELECT "id", "createdAt", "arrayIndex" FROM "Job" WHERE "organizationId" = ? AND "arrayParentId" IS NULL ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT 51`,
          world.organizationId,
        );
        console.log(`plan (${label}): ${plan.map((p) => p.detail).join(" | ")}`);
      }
    }
  } finally {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

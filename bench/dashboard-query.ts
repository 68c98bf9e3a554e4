// The dashboard's data with a million jobs stored, against a baseline measured in the same run:
//   seed: 1,000,000 jobs over the last 7 days (90% succeeded, 8% failed across 6 definitions,
//         2% still RUNNABLE) and a day of metric samples every 5 s, in a temporary SQLite file;
//   baseline: SELECT count(*) FROM "Job" (a full pass over the table's smallest index);
//   measured: getMetricSeries (what app/api/metrics/series runs) for 1h, 24h and 7d, after
//         replaying the engine's hourly downsampling (engine/metric-compaction.ts) over the
//         day; the 24h range over the raw samples is printed for comparison.
// Target (DESIGN.md): dashboard data ≤ 200 ms server time (p95) with 1,000,000 jobs.
//
//   node_modules/.bin/tsx bench/dashboard-query.ts [--jobs 1000000] [--runs 20]
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { compactMetrics } from "@/engine/metric-compaction";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { getMetricSeries, metricQueries } from "@/lib/metrics/get-metric-series";
import { type RangeKey, rangeWindow } from "@/lib/metrics/ranges";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { contextFor } from "@/tests/helpers/fixtures";
import { databaseSettings } from "./lib/settings";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" } },
});
const N = Number(values.jobs);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const SAMPLE_MS = 5_000;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  await migrate(url);
  const db = createDb(url);
  try {
    console.log(`database: ${await databaseSettings(db, "sqlite")}`);
    const world = await seedEngineWorld(db);
    const definitions = [world.definitionId];
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      await db.jobDefinition.create({
        data: { id, organizationId: world.organizationId, name: `def-${i}`, revision: 1, arn: `arn:bench:${id}` },
      });
      definitions.push(id);
    }
    const now = Date.now();

    console.log(`seeding ${N.toLocaleString()} jobs and a day of samples every ${SAMPLE_MS / 1000} s …`);
    const seedStart = performance.now();
    const raw = new Database(sqliteFilePath(url));
    raw.pragma("journal_mode = WAL");
    const insertJob = raw.prepare(`INSERT INTO "Job" ("id", "organizationId", "name", "jobQueueId", "jobDefinitionId",
      "status", "createdAt", "updatedAt", "runnableAt", "startedAt", "stoppedAt")
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    raw.transaction(() => {
      for (let i = 0; i < N; i++) {
        const created = now - 7 * DAY + Math.floor((i / N) * 7 * DAY);
        const r = (i * 7919) % 100;
        const status = r < 90 ? "SUCCEEDED" : r < 98 ? "FAILED" : "RUNNABLE";
        const started = status === "RUNNABLE" ? null : created + 1_000;
        const stopped = started === null ? null : started + 500 + ((i * 104_729) % 600_000);
        const definition = definitions[status === "FAILED" ? i % definitions.length : 0] as string;
        insertJob.run(
          randomUUID(),
          world.organizationId,
          `job-${i}`,
          world.queueId,
          definition,
          status,
          created,
          stopped ?? created,
          created,
          started,
          stopped,
        );
      }
    })();
    const insertSample = raw.prepare(
      `INSERT INTO "MetricSample" ("organizationId", "at", "kind", "key", "value") VALUES (?, ?, ?, ?, ?)`,
    );
    let samples = 0;
    raw.transaction(() => {
      for (let at = now - DAY; at < now; at += SAMPLE_MS) {
        const wave = Math.round(50 + 40 * Math.sin(at / 3_600_000));
        const rows: [string, string, number][] = [
          ["queue.status", `${world.queueId}:PENDING`, wave % 7],
          ["queue.status", `${world.queueId}:RUNNABLE`, wave],
          ["queue.status", `${world.queueId}:RUNNING`, 4],
          ["queue.finished", `${world.queueId}:SUCCEEDED`, wave % 11],
          ["queue.finished", `${world.queueId}:FAILED`, wave % 3],
          ["ce.vcpus", world.environmentId, 4],
          ["ce.memoryMiB", world.environmentId, 4096],
        ];
        for (const [kind, key, value] of rows) insertSample.run(world.organizationId, at, kind, key, value);
        samples += rows.length;
      }
    })();
    raw.close();
    console.log(
      `seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${samples.toLocaleString()} samples)`,
    );
    const ctxFor = async () => {
      const admin = await db.membership.findFirstOrThrow({
        where: { organizationId: world.organizationId },
        include: { user: true },
      });
      return contextFor(db, world.organizationId, admin.user, "admin");
    };
    // Without downsampling, for comparison: the 24h range over raw 5 s samples.
    const uncompacted = await time(async () => getMetricSeries(await ctxFor(), rangeWindow("24h", Date.now())));
    // The engine compacts hourly; replay what it did over the seeded day.
    for (let at = now - DAY; at <= now; at += 3_600_000) await compactMetrics(db, at);
    console.log(`after hourly compaction: ${(await db.metricSample.count()).toLocaleString()} samples`);

    const ctx = await ctxFor();
    const baseline = await time(() => db.$queryRaw`SELECT count(*) AS n FROM "Job"`);
    const results: [RangeKey, { p50: number; p95: number }, number][] = [];
    for (const range of ["1h", "24h", "7d"] as const) {
      const window = rangeWindow(range, Date.now());
      const series = await getMetricSeries(ctx, window);
      results.push([
        range,
        await time(() => getMetricSeries(ctx, rangeWindow(range, Date.now()))),
        series.runTime?.count ?? 0,
      ]);
    }
    const w = rangeWindow("7d", Date.now());
    const plans = await Promise.all(
      [
        metricQueries.runTimes(world.organizationId, w.from, w.to),
        metricQueries.topFailing(world.organizationId, w.from, w.to),
      ].map(async (q) =>
        (await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${q.sql}`, ...q.values))
          .map((r) => r.detail)
          .join(" / "),
      ),
    );

    console.log("");
    console.log(
      `baseline SELECT count(*) FROM "Job"   p50 ${baseline.p50.toFixed(1)} ms, p95 ${baseline.p95.toFixed(1)} ms`,
    );
    for (const [range, t, jobs] of results) {
      console.log(
        `getMetricSeries ${range.padEnd(4)}               p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms  ` +
          `(${(t.p50 / baseline.p50).toFixed(2)}× the baseline; run times over ${jobs.toLocaleString()} jobs)  target p95 ≤ 200 ms`,
      );
    }
    console.log(
      `getMetricSeries 24h, uncompacted    p50 ${uncompacted.p50.toFixed(1)} ms, p95 ${uncompacted.p95.toFixed(1)} ms`,
    );
    console.log(`plan, run times:   ${plans[0]}`);
    console.log(`plan, top failing: ${plans[1]}`);
  } finally {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// getMetricSeries: the dashboard's aggregation over MetricSample and finished jobs, on both
// databases, scoped to the caller's organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { getMetricSeries, metricQueries, percentile } from "@/lib/metrics/get-metric-series";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

const T0 = 1_800_000_000_000;
const MIN = 60_000;

describe.each(PROVIDERS)("getMetricSeries on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let ctx: OrgContext;
  let other: EngineWorld;
  let flaky: string;

  async function samples(organizationId: string, rows: [number, string, string, number][]) {
    await t.db.metricSample.createMany({
      data: rows.map(([at, kind, key, value]) => ({ organizationId, at, kind, key, value })),
    });
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
    other = await seedEngineWorld(t.db);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    ctx = contextFor(t.db, world.organizationId, admin.user, "submitter");
    const q = world.queueId;
    const ce = world.environmentId;
    await samples(world.organizationId, [
      // bucket 0 (T0 … T0+1m)
      [T0, "queue.status", `${q}:RUNNABLE`, 4],
      [T0 + 20_000, "queue.status", `${q}:RUNNABLE`, 7],
      [T0 + 40_000, "queue.status", `${q}:RUNNING`, 2],
      [T0 + 40_000, "ce.vcpus", ce, 2],
      [T0 + 40_000, "ce.memoryMiB", ce, 512],
      [T0 + 20_000, "queue.finished", `${q}:SUCCEEDED`, 3],
      [T0 + 40_000, "queue.finished", `${q}:SUCCEEDED`, 2],
      // bucket 2
      [T0 + 2 * MIN + 5_000, "queue.finished", `${q}:FAILED`, 1],
      [T0 + 2 * MIN + 5_000, "queue.status", `${q}:PENDING`, 9],
      // outside the range
      [T0 + 10 * MIN, "queue.status", `${q}:RUNNABLE`, 100],
      [T0 - 1, "queue.status", `${q}:RUNNABLE`, 100],
    ]);
    await samples(other.organizationId, [[T0, "queue.status", `${other.queueId}:RUNNABLE`, 55]]);

    // Finished jobs: run times 1s … 100s; failures from two definitions.
    const ids = await insertJobs(
      t.db,
      world,
      Array.from({ length: 100 }, () => ({ command: ["true"] })),
    );
    for (const [i, id] of ids.entries()) {
      await t.db.job.update({
        where: { id },
        data: { status: "SUCCEEDED", startedAt: T0, stoppedAt: T0 + (i + 1) * 1000 },
      });
    }
    flaky = newId();
    await t.db.jobDefinition.create({
      data: { id: flaky, organizationId: world.organizationId, name: "flaky", revision: 3, arn: `arn:flaky:${flaky}` },
    });
    const failing = await insertJobs(t.db, world, [
      { command: ["false"] },
      { command: ["false"] },
      { command: ["false"] },
    ]);
    await t.db.job.updateMany({
      where: { id: { in: failing } },
      data: { status: "FAILED", startedAt: T0 + 1_000, stoppedAt: T0 + 3_000, jobDefinitionId: flaky },
    });
    const once = await insertJobs(t.db, world, [{ command: ["false"] }]);
    await t.db.job.updateMany({ where: { id: { in: once } }, data: { status: "FAILED", stoppedAt: T0 + 4_000 } });
    // A failure outside the range does not count.
    const late = await insertJobs(t.db, world, [{ command: ["false"] }]);
    await t.db.job.updateMany({
      where: { id: { in: late } },
      data: { status: "FAILED", stoppedAt: T0 + 20 * MIN, jobDefinitionId: flaky },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("buckets samples: peaks for counts in a state, sums for jobs finished", async () => {
    const s = await getMetricSeries(ctx, { from: T0, to: T0 + 5 * MIN, bucket: MIN });
    expect(s.times).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * MIN));
    const series = (status: string) => s.active.find((a) => a.status === status)?.values;
    expect(series("RUNNABLE")).toEqual([7, 0, 0, 0, 0]);
    expect(series("RUNNING")).toEqual([2, 0, 0, 0, 0]);
    expect(series("PENDING")).toEqual([0, 0, 9, 0, 0]);
    expect(s.active.every((a) => a.queueId === world.queueId)).toBe(true);
    expect(s.finished.find((f) => f.status === "SUCCEEDED")?.values).toEqual([5, 0, 0, 0, 0]);
    expect(s.finished.find((f) => f.status === "FAILED")?.values).toEqual([0, 0, 1, 0, 0]);
    expect(s.vcpus).toEqual([{ computeEnvironmentId: world.environmentId, values: [2, 0, 0, 0, 0] }]);
    expect(s.totals).toEqual({ succeeded: 5, failed: 1, perMinute: 6 / 5 });
    expect(s.queues.map((q) => q.id)).toEqual([world.queueId]);
    expect(s.hasData).toBe(true);
  });

  it("computes run-time percentiles and the definitions that fail most, within the range", async () => {
    const s = await getMetricSeries(ctx, { from: T0, to: T0 + 5 * MIN, bucket: MIN });
    // 100 runs of 1…100 s and three of 2 s: 103 durations; the 52nd shortest is 49 s.
    expect(s.runTime).toMatchObject({ count: 103, p50: 49, p90: 90, p99: 99, sampled: false });
    expect(s.topFailing).toEqual([
      { jobDefinitionId: flaky, name: "flaky", revision: 3, failures: 3 },
      expect.objectContaining({ jobDefinitionId: world.definitionId, failures: 1 }),
    ]);
  });

  it("sees only the caller's organization and reports an empty range as such", async () => {
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: other.organizationId },
      include: { user: true },
    });
    const theirs = await getMetricSeries(contextFor(t.db, other.organizationId, admin.user, "admin"), {
      from: T0,
      to: T0 + MIN,
      bucket: 30_000,
    });
    expect(theirs.active).toEqual([{ queueId: other.queueId, status: "RUNNABLE", values: [55, 0] }]);
    expect(theirs.runTime).toBeNull();
    expect(theirs.topFailing).toEqual([]);
    const empty = await getMetricSeries(ctx, { from: T0 + 100 * MIN, to: T0 + 101 * MIN, bucket: 10_000 });
    expect(empty.hasData).toBe(false);
    expect(empty.active).toEqual([]);
  });

  it("answers each aggregate from an index that bounds the organization and the time range", async () => {
    const plan = async (query: Prisma.Sql): Promise<string> => {
      if (provider === "sqlite") {
        const rows = await t.db.$queryRaw<{ detail: string }[]>(Prisma.sql`EXPLAIN QUERY PLAN ${query}`);
        return rows.map((r) => r.detail).join("\n");
      }
      // Tables this small are cheapest to scan; with scans priced out, the plan shows which
      // index the query can use at scale.
      return t.db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        const rows = await tx.$queryRaw<Record<string, string>[]>(Prisma.sql`EXPLAIN ${query}`);
        return rows.map((r) => Object.values(r)[0]).join("\n");
      });
    };
    const org = world.organizationId;
    const buckets = await plan(metricQueries.buckets(org, T0, T0 + MIN, 1_000));
    const runTimes = await plan(metricQueries.runTimes(org, T0, T0 + MIN));
    const failing = await plan(metricQueries.topFailing(org, T0, T0 + MIN));
    if (provider === "sqlite") {
      expect(
        buckets.match(/MetricSample_organizationId_kind_at_idx \(organizationId=\? AND kind=\? AND at>\? AND at<\?\)/g),
      ).toHaveLength(3);
      expect(runTimes).toMatch(
        /COVERING INDEX Job_organizationId_stoppedAt_startedAt_idx \(organizationId=\? AND stoppedAt>\? AND stoppedAt<\?\)/,
      );
      expect(failing).toMatch(
        /COVERING INDEX Job_organizationId_status_stoppedAt_jobDefinitionId_idx \(organizationId=\? AND status=\? AND stoppedAt>\? AND stoppedAt<\?\)/,
      );
    } else {
      // PostgreSQL may pick either Job index for the failures (both bound the organization
      // and the stop time); what matters is an index condition on both, and no table scan.
      for (const p of [buckets, runTimes, failing]) expect(p).not.toMatch(/Seq Scan/);
      expect(buckets.match(/Index Cond: .*"organizationId" = .*kind = .*at >= .*at < /g)).toHaveLength(3);
      for (const p of [runTimes, failing]) {
        expect(p).toMatch(/Index (Only )?Scan Backward using "Job_organizationId_(status_)?stoppedAt_/);
        expect(p).toMatch(/Index Cond: .*"organizationId" = .*"stoppedAt" >= .*"stoppedAt" </);
      }
    }
  });

  it("refuses ranges that are inverted, too long or too finely bucketed", async () => {
    await expect(getMetricSeries(ctx, { from: T0, to: T0, bucket: MIN })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(getMetricSeries(ctx, { from: T0, to: T0 + 10 * 86_400_000, bucket: 3_600_000 })).rejects.toMatchObject(
      {
        code: "INVALID_INPUT",
      },
    );
    await expect(getMetricSeries(ctx, { from: T0, to: T0 + 86_400_000, bucket: 1_000 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

describe("percentile", () => {
  it("uses the nearest rank", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([], 50)).toBe(0);
  });
});

// Downsampling keeps the dashboard's figures exact: series drawn before and after compacting
// a day and more of samples are identical for every range, with far fewer rows stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactMetrics } from "@/engine/metric-compaction";
import type { OrgContext } from "@/lib/auth/context";
import { getMetricSeries } from "@/lib/metrics/get-metric-series";
import { RANGE_KEYS, rangeWindow } from "@/lib/metrics/ranges";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

const HOUR = 3_600_000;
// Not aligned to any bucket, as a real clock is not.
const NOW = 1_800_000_000_000 + 7 * 60_000 + 3_456;
const EVERY = 10_000;

describe.each(PROVIDERS)("metric compaction on %s", (provider) => {
  let t: TestDatabase;
  let ctx: OrgContext;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const world = await seedEngineWorld(t.db);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    ctx = contextFor(t.db, world.organizationId, admin.user, "admin");
    const rows = [];
    let i = 0;
    for (let at = NOW - 30 * HOUR; at < NOW; at += EVERY, i++) {
      const base = { organizationId: world.organizationId, at: at + (i % 7) };
      rows.push(
        { ...base, kind: "queue.status", key: `${world.queueId}:RUNNABLE`, value: (i * 37) % 23 },
        { ...base, kind: "queue.finished", key: `${world.queueId}:SUCCEEDED`, value: (i * 11) % 5 },
        { ...base, kind: "ce.vcpus", key: world.environmentId, value: (i * 13) % 9 },
      );
    }
    for (let k = 0; k < rows.length; k += 2_000) await t.db.metricSample.createMany({ data: rows.slice(k, k + 2_000) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("draws every range exactly as before, from a fraction of the rows", async () => {
    const before = await Promise.all(RANGE_KEYS.map((r) => getMetricSeries(ctx, rangeWindow(r, NOW))));
    const rowsBefore = await t.db.metricSample.count();
    // The engine compacts hourly; replay the last day and a bit.
    for (let at = NOW - 30 * HOUR; at <= NOW; at += HOUR) await compactMetrics(t.db, at);
    const rowsAfter = await t.db.metricSample.count();
    const after = await Promise.all(RANGE_KEYS.map((r) => getMetricSeries(ctx, rangeWindow(r, NOW))));
    for (const [i, range] of RANGE_KEYS.entries()) {
      expect({ range, ...after[i] }).toEqual({ range, ...before[i] });
    }
    // Past the first hour, 6 samples a minute per series became 1 (and past a day, 90 became 1).
    expect(rowsAfter).toBeLessThan(rowsBefore / 4);
    expect(before[RANGE_KEYS.indexOf("24h")]?.totals.succeeded).toBeGreaterThan(0);
    // Compacting again changes nothing.
    expect(await compactMetrics(t.db, NOW)).toBe(0);
    expect(await t.db.metricSample.count()).toBe(rowsAfter);
  });
});

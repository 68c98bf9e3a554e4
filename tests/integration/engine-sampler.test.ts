// The engine's metric sampler (engine/sampler.ts) on both databases: one sample per queue and
// status with the count of jobs in it, the jobs that finished since the previous sample (and
// only those), and the vCPUs and memory in use per compute environment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleMetrics } from "@/engine/sampler";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";

describe.each(PROVIDERS)("metric samples on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
  });
  afterAll(() => t.close());

  it("counts jobs per queue and status, finished jobs in the window, and capacity in use", async () => {
    const since = 1_000_000;
    const now = 2_000_000;
    const ids = await insertJobs(
      t.db,
      world,
      Array.from({ length: 9 }, () => ({ command: ["true"], vcpus: 1.5, memoryMiB: 300 })),
    );
    const [, , p1, run1, run2, s1, s2, f1, old] = ids; // the first two stay RUNNABLE
    await t.db.job.updateMany({ where: { id: { in: [p1!] } }, data: { status: "PENDING", runnableAt: null } });
    await t.db.job.updateMany({
      where: { id: { in: [run1!, run2!] } },
      data: { status: "RUNNING", computeEnvironmentId: world.environmentId },
    });
    await t.db.job.updateMany({ where: { id: { in: [s1!, s2!] } }, data: { status: "SUCCEEDED", stoppedAt: now } });
    await t.db.job.updateMany({ where: { id: f1! }, data: { status: "FAILED", stoppedAt: since + 1 } });
    // Finished at the previous sample's moment: counted then, not now.
    await t.db.job.updateMany({ where: { id: old! }, data: { status: "SUCCEEDED", stoppedAt: since } });

    const written = await sampleMetrics(t.db, since, now);
    const rows = await t.db.metricSample.findMany({ where: { organizationId: world.organizationId, at: now } });
    const value = (kind: string, key: string) => rows.find((r) => r.kind === kind && r.key === key)?.value;
    const q = world.queueId;
    expect(value("queue.status", `${q}:RUNNABLE`)).toBe(2);
    expect(value("queue.status", `${q}:PENDING`)).toBe(1);
    expect(value("queue.status", `${q}:RUNNING`)).toBe(2);
    expect(value("queue.finished", `${q}:SUCCEEDED`)).toBe(2);
    expect(value("queue.finished", `${q}:FAILED`)).toBe(1);
    expect(value("ce.vcpus", world.environmentId)).toBe(3);
    expect(value("ce.memoryMiB", world.environmentId)).toBe(600);
    expect(rows).toHaveLength(7);
    expect(written).toBe(7);
  });
});

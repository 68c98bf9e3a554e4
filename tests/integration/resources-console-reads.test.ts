// The reads the resource pages add to the backend: capacity in use per compute environment,
// jobs per status per queue, and the queue snapshot, through the built-in backend and scoped
// to the caller's organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinBackend } from "@/lib/backends/builtin";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("resource console reads on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function viewer(world: EngineWorld) {
    const user = await createUser(t.db, `viewer-${crypto.randomUUID().slice(0, 8)}@example.com`);
    return contextFor(t.db, world.organizationId, user, "submitter");
  }

  async function place(ids: string[], world: EngineWorld, status: "STARTING" | "RUNNING") {
    await t.db.job.updateMany({
      where: { id: { in: ids } },
      data: { status, computeEnvironmentId: world.environmentId, runnableAt: null },
    });
  }

  it("sums the resources of STARTING and RUNNING jobs on each environment", async () => {
    const world = await seedEngineWorld(t.db, { maxVcpus: 16, memoryMiB: 32768 });
    const running = await insertJobs(t.db, world, [
      { command: ["true"], vcpus: 2, memoryMiB: 1024 },
      { command: ["true"], vcpus: 0.5, memoryMiB: 512, gpus: 1 },
    ]);
    const starting = await insertJobs(t.db, world, [{ command: ["true"], vcpus: 1, memoryMiB: 256 }]);
    const finished = await insertJobs(t.db, world, [{ command: ["true"], vcpus: 8, memoryMiB: 8192 }]);
    await insertJobs(t.db, world, [{ command: ["true"], vcpus: 4, memoryMiB: 4096 }]); // still RUNNABLE
    await place(running, world, "RUNNING");
    await place(starting, world, "STARTING");
    await t.db.job.updateMany({
      where: { id: { in: finished } },
      data: { status: "SUCCEEDED", computeEnvironmentId: world.environmentId },
    });
    // Another organization's running job on its own environment is not counted here.
    const other = await seedEngineWorld(t.db);
    await place(await insertJobs(t.db, other, [{ command: ["true"], vcpus: 3 }]), other, "RUNNING");

    const ctx = await viewer(world);
    const { computeEnvironments } = await builtinBackend.computeEnvironmentUsage(ctx);
    const ce = await t.db.computeEnvironment.findUniqueOrThrow({ where: { id: world.environmentId } });
    expect(computeEnvironments).toEqual([
      {
        computeEnvironmentName: ce.name,
        basis: "jobs",
        maxVcpus: 16,
        maxMemoryMiB: 32768,
        gpuIds: [],
        jobs: 3,
        vcpus: 3.5,
        memoryMiB: 1792,
        gpus: 1,
      },
    ]);
  });

  it("reports zeros for an environment with nothing on it", async () => {
    const world = await seedEngineWorld(t.db, { gpuIds: ["0", "1"] });
    const { computeEnvironments } = await builtinBackend.computeEnvironmentUsage(await viewer(world));
    expect(computeEnvironments).toHaveLength(1);
    expect(computeEnvironments[0]).toMatchObject({ gpuIds: ["0", "1"], jobs: 0, vcpus: 0, memoryMiB: 0, gpus: 0 });
  });

  it("counts jobs per status in each live queue of the organization", async () => {
    const world = await seedEngineWorld(t.db);
    await insertJobs(t.db, world, [
      { command: ["true"] },
      { command: ["true"] },
      { command: ["true"], status: "PENDING", pendingDependencies: 1 },
    ]);
    const done = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }, { command: ["true"] }]);
    await t.db.job.updateMany({ where: { id: { in: done.slice(0, 2) } }, data: { status: "SUCCEEDED" } });
    await place(done.slice(2), world, "RUNNING");
    // A second, empty queue of the same organization appears with zeros.
    const q2 = await t.db.jobQueue.create({
      data: {
        id: crypto.randomUUID(),
        organizationId: world.organizationId,
        name: "zz-empty",
        liveName: "zz-empty",
        arn: `arn:aws:batch:us-east-1:000000000000:job-queue/zz-empty-${world.queueId.slice(0, 6)}`,
        priority: 1,
      },
    });
    // Another organization's jobs do not leak in.
    const other = await seedEngineWorld(t.db);
    await insertJobs(t.db, other, [{ command: ["true"] }]);

    const { jobQueues } = await builtinBackend.jobQueueCounts(await viewer(world));
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    expect(jobQueues).toEqual([
      {
        jobQueueName: queue.name,
        counts: { SUBMITTED: 0, PENDING: 1, RUNNABLE: 2, STARTING: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 0 },
      },
      {
        jobQueueName: q2.name,
        counts: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 },
      },
    ]);
  });

  it("counts waiting and running jobs live, finished ones from a cache a few seconds old", async () => {
    const world = await seedEngineWorld(t.db);
    const [first, second] = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }]);
    await t.db.job.update({ where: { id: first }, data: { status: "SUCCEEDED" } });
    const ctx = await viewer(world);
    const before = (await builtinBackend.jobQueueCounts(ctx)).jobQueues[0]!.counts;
    expect([before.RUNNABLE, before.SUCCEEDED]).toEqual([1, 1]);

    await t.db.job.update({ where: { id: second }, data: { status: "SUCCEEDED" } });
    const cached = (await builtinBackend.jobQueueCounts(ctx)).jobQueues[0]!.counts;
    expect([cached.RUNNABLE, cached.SUCCEEDED]).toEqual([0, 1]);
    const exact = (await builtinBackend.jobQueueCounts(ctx, { terminalMaxAgeMs: 0 })).jobQueues[0]!.counts;
    expect([exact.RUNNABLE, exact.SUCCEEDED]).toEqual([0, 2]);
  });

  it("leaves deleted queues out of the counts", async () => {
    const world = await seedEngineWorld(t.db);
    await insertJobs(t.db, world, [{ command: ["true"] }]);
    await t.db.jobQueue.update({
      where: { id: world.queueId },
      data: { liveName: null, deletedAt: new Date(), status: "DELETED" },
    });
    const { jobQueues } = await builtinBackend.jobQueueCounts(await viewer(world));
    expect(jobQueues).toEqual([]);
  });

  it("serves the queue snapshot through the backend, only for the caller's queues", async () => {
    const world = await seedEngineWorld(t.db);
    const ids = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }]);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const snap = await builtinBackend.getJobQueueSnapshot(await viewer(world), { jobQueue: queue.name });
    expect(snap.frontOfQueue.jobs.map((j) => j.jobArn.split("/").pop())).toEqual(ids);
    const stranger = await seedEngineWorld(t.db);
    await expect(
      builtinBackend.getJobQueueSnapshot(await viewer(stranger), { jobQueue: queue.arn }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("says since when each queue's oldest RUNNABLE job has waited, for the caller's queues only", async () => {
    const world = await seedEngineWorld(t.db);
    const now = Date.now();
    const [older, newer] = await insertJobs(t.db, world, [
      { command: ["true"], runnableAt: now - 90_000 },
      { command: ["true"], runnableAt: now - 10_000 },
    ]);
    // A job placed since is no longer waiting: the wait is the next one's.
    const placed = await insertJobs(t.db, world, [{ command: ["true"], runnableAt: now - 300_000 }]);
    await place(placed, world, "RUNNING");
    const other = await seedEngineWorld(t.db);
    await insertJobs(t.db, other, [{ command: ["true"], runnableAt: now - 600_000 }]);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });

    const { jobQueues } = await builtinBackend.longestWaits(await viewer(world));
    expect(jobQueues).toEqual([{ jobQueueName: queue.name, runnableSince: now - 90_000 }]);
    expect([older, newer]).toHaveLength(2);
    await t.db.job.updateMany({ where: { id: { in: [older!, newer!] } }, data: { status: "FAILED" } });
    expect((await builtinBackend.longestWaits(await viewer(world))).jobQueues).toEqual([]);
  });
});

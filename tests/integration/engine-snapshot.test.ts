// GetJobQueueSnapshot: front of the queue in dispatch order, scoped to the organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJobQueueSnapshot } from "@/lib/jobs/queue-snapshot";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";
import { forceStatus, seedQueue, seedSchedulingPolicy } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("job queue snapshot on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function ctxFor(organizationId: string) {
    const user = await createUser(t.db, `viewer-${crypto.randomUUID().slice(0, 8)}@example.com`);
    return contextFor(t.db, organizationId, user, "submitter");
  }

  it("lists the first 100 RUNNABLE jobs of a FIFO queue, oldest first whatever their priority", async () => {
    const world = await seedEngineWorld(t.db);
    const base = Date.now() - 1_000_000;
    const ids = await insertJobs(
      t.db,
      world,
      Array.from({ length: 120 }, (_, i) => ({ command: ["true"], createdAt: base + 2 * i, runnableAt: base + 2 * i })),
    );
    // AWS: schedulingPriority orders jobs only in fair-share queues; this one is FIFO.
    const [urgent] = await insertJobs(t.db, world, [
      { command: ["true"], schedulingPriority: 9, createdAt: base + 101, runnableAt: base + 101 },
    ]);
    await insertJobs(t.db, world, [
      { command: ["true"], status: "PENDING", pendingDependencies: 1, createdAt: base - 5 },
    ]);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const snap = await getJobQueueSnapshot(await ctxFor(world.organizationId), { jobQueue: queue.name });
    const jobIds = snap.frontOfQueue.jobs.map((j) => j.jobArn.split("/").pop());
    expect(jobIds).toHaveLength(100);
    expect(jobIds).toEqual([...ids.slice(0, 51), urgent, ...ids.slice(51, 99)]);
    expect(snap.frontOfQueue.jobs[0]!.earliestTimeAtPosition).toBe(base);
    expect(snap.frontOfQueue.jobs[0]!.jobArn).toMatch(/^arn:aws:batch:[a-z0-9-]+:\d{12}:job\//);
    expect(snap.frontOfQueue.lastUpdatedAt).toBeGreaterThan(0);
    // By ARN as well as by name.
    const byArn = await getJobQueueSnapshot(await ctxFor(world.organizationId), { jobQueue: queue.arn });
    expect(byArn.frontOfQueue.jobs).toHaveLength(100);
  });

  it("keeps jobs submitted in the same millisecond in the order they were submitted", async () => {
    const world = await seedEngineWorld(t.db);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const definition = await t.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } });
    const ctx = await ctxFor(world.organizationId);
    // Submitted one after another without waiting: all but the first go in one group-commit
    // batch, which gives its jobs one timestamp.
    const submitted = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        submitJob(ctx, { jobName: `fifo-${i}`, jobQueue: queue.name, jobDefinition: definition.arn }),
      ),
    );
    const createdAt = await t.db.job.findMany({
      where: { id: { in: submitted.map((s) => s.jobId) } },
      select: { createdAt: true },
    });
    expect(new Set(createdAt.map((j) => j.createdAt)).size).toBeLessThan(10);
    const snap = await getJobQueueSnapshot(ctx, { jobQueue: queue.name });
    expect(snap.frontOfQueue.jobs.map((j) => j.jobArn.split("/").pop())).toEqual(submitted.map((s) => s.jobId));
  });

  it("interleaves shares on a fair-share queue, each share's jobs by schedulingPriority", async () => {
    const world = await seedEngineWorld(t.db);
    const policyId = crypto.randomUUID();
    await t.db.schedulingPolicy.create({
      data: {
        id: policyId,
        organizationId: world.organizationId,
        name: `fs-${policyId.slice(0, 6)}`,
        arn: `arn:aws:batch:us-east-1:000000000000:scheduling-policy/fs-${policyId.slice(0, 6)}`,
        fairsharePolicy: JSON.stringify({ shareDecaySeconds: 600, computeReservation: 0, shareDistribution: [] }),
      },
    });
    await t.db.jobQueue.update({ where: { id: world.queueId }, data: { schedulingPolicyId: policyId } });
    const base = Date.now() - 1_000;
    const [a1, a2, b1, a3] = await insertJobs(t.db, world, [
      { command: ["true"], shareIdentifier: "A", createdAt: base },
      { command: ["true"], shareIdentifier: "A", createdAt: base + 1 },
      { command: ["true"], shareIdentifier: "B", createdAt: base + 2 },
      { command: ["true"], shareIdentifier: "A", createdAt: base + 3, schedulingPriority: 5 },
    ]);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const snap = await getJobQueueSnapshot(await ctxFor(world.organizationId), { jobQueue: queue.name });
    expect(snap.frontOfQueue.jobs.map((j) => j.jobArn.split("/").pop())).toEqual([a3, b1, a1, a2]);
  });

  it("does not show another organization's queue", async () => {
    const mine = await seedEngineWorld(t.db);
    const theirs = await seedEngineWorld(t.db);
    const theirQueue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: theirs.queueId } });
    await expect(
      getJobQueueSnapshot(await ctxFor(mine.organizationId), { jobQueue: theirQueue.name }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      getJobQueueSnapshot(await ctxFor(mine.organizationId), { jobQueue: theirQueue.arn }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("reports the vCPUs of the queue's STARTING and RUNNING jobs, by share on a fair-share queue", async () => {
    const world = await seedEngineWorld(t.db);
    const policy = await seedSchedulingPolicy(t.db, world.organizationId, `fs-${crypto.randomUUID().slice(0, 6)}`);
    await t.db.jobQueue.update({ where: { id: world.queueId }, data: { schedulingPolicyId: policy.id } });
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const ctx = await ctxFor(world.organizationId);

    const idle = await getJobQueueSnapshot(ctx, { jobQueue: queue.name });
    expect(idle.queueUtilization).toEqual({
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 0 }],
      fairshareUtilization: { activeShareCount: 0, topCapacityUtilization: [] },
      lastUpdatedAt: idle.frontOfQueue.lastUpdatedAt,
    });

    const [a1, a2, b1, noShare, done] = await insertJobs(t.db, world, [
      { command: ["true"], shareIdentifier: "A", vcpus: 2 },
      { command: ["true"], shareIdentifier: "A", vcpus: 0.5 },
      { command: ["true"], shareIdentifier: "B", vcpus: 1 },
      // A leftover without a share identifier: capacity in use, but no share.
      { command: ["true"], vcpus: 1.5 },
      { command: ["true"], shareIdentifier: "D", vcpus: 8 },
    ]);
    await insertJobs(t.db, world, [{ command: ["true"], shareIdentifier: "C", vcpus: 4 }]); // still RUNNABLE
    const onHost = { computeEnvironmentId: world.environmentId, runnableAt: null };
    await forceStatus(t.db, [a1!, b1!, noShare!], "RUNNING", onHost);
    await forceStatus(t.db, [a2!], "STARTING", onHost);
    await forceStatus(t.db, [done!], "SUCCEEDED", onHost);
    // The same organization's other queue, and another organization's fair-share queue with a
    // share of the same name, hold capacity that is not this queue's.
    const otherQueue = await seedQueue(t.db, world.organizationId, {
      name: `other-${crypto.randomUUID().slice(0, 6)}`,
      computeEnvironmentId: world.environmentId,
    });
    const elsewhere = await insertJobs(t.db, { ...world, queueId: otherQueue.id }, [{ command: ["true"], vcpus: 3 }]);
    await forceStatus(t.db, elsewhere, "RUNNING", onHost);
    const stranger = await seedEngineWorld(t.db);
    const strangerPolicy = await seedSchedulingPolicy(t.db, stranger.organizationId);
    await t.db.jobQueue.update({ where: { id: stranger.queueId }, data: { schedulingPolicyId: strangerPolicy.id } });
    const theirs = await insertJobs(t.db, stranger, [{ command: ["true"], shareIdentifier: "A", vcpus: 3 }]);
    await forceStatus(t.db, theirs, "RUNNING", { computeEnvironmentId: stranger.environmentId, runnableAt: null });

    const snap = await getJobQueueSnapshot(ctx, { jobQueue: queue.name });
    expect(snap.queueUtilization).toEqual({
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 5 }],
      fairshareUtilization: {
        activeShareCount: 2,
        topCapacityUtilization: [
          { shareIdentifier: "A", capacityUsage: [{ capacityUnit: "VCPU", quantity: 2.5 }] },
          { shareIdentifier: "B", capacityUsage: [{ capacityUnit: "VCPU", quantity: 1 }] },
        ],
      },
      lastUpdatedAt: snap.frontOfQueue.lastUpdatedAt,
    });
  });

  it("reports a FIFO queue's capacity in use without a fair-share breakdown", async () => {
    const world = await seedEngineWorld(t.db);
    const running = await insertJobs(t.db, world, [
      { command: ["true"], vcpus: 1 },
      { command: ["true"], vcpus: 2 },
    ]);
    await insertJobs(t.db, world, [{ command: ["true"], vcpus: 4 }]); // still RUNNABLE
    await forceStatus(t.db, running, "RUNNING", { computeEnvironmentId: world.environmentId, runnableAt: null });
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const snap = await getJobQueueSnapshot(await ctxFor(world.organizationId), { jobQueue: queue.name });
    expect(snap.frontOfQueue.jobs).toHaveLength(1);
    expect(snap.queueUtilization).toEqual({
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 3 }],
      lastUpdatedAt: snap.frontOfQueue.lastUpdatedAt,
    });
    expect(snap.queueUtilization).not.toHaveProperty("fairshareUtilization");
  });
});

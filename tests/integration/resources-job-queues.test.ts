import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { computeEnvironmentArn, jobQueueArn, schedulingPolicyArn } from "@/lib/batch/arn";
import { JOB_QUEUE_DELETED_REASON } from "@/lib/batch/shapes/job-queues";
import type { Db } from "@/lib/db";
import {
  createComputeEnvironment,
  createComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/create-compute-environment";
import { createJobQueue, createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import { deleteJobQueue, deleteJobQueueInput } from "@/lib/resources/job-queues/delete-job-queue";
import { describeJobQueues, describeJobQueuesInput } from "@/lib/resources/job-queues/describe-job-queues";
import { resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
import { updateJobQueue, updateJobQueueInput } from "@/lib/resources/job-queues/update-job-queue";
import {
  createSchedulingPolicy,
  createSchedulingPolicyInput,
} from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const createCe = async (ctx: OrgContext, raw: unknown) =>
  createComputeEnvironment(ctx, parseInput(createComputeEnvironmentInput, raw));
const createQueue = async (ctx: OrgContext, raw: unknown) => createJobQueue(ctx, parseInput(createJobQueueInput, raw));
const updateQueue = async (ctx: OrgContext, raw: unknown) => updateJobQueue(ctx, parseInput(updateJobQueueInput, raw));
const deleteQueue = async (ctx: OrgContext, raw: unknown) => deleteJobQueue(ctx, parseInput(deleteJobQueueInput, raw));
const describeQueues = async (ctx: OrgContext, raw: unknown = {}) =>
  describeJobQueues(ctx, parseInput(describeJobQueuesInput, raw));
const createPolicy = async (ctx: OrgContext, raw: unknown) =>
  createSchedulingPolicy(ctx, parseInput(createSchedulingPolicyInput, raw));

async function insertJob(db: Db, organizationId: string, jobQueueId: string, id: string, status: string) {
  const def =
    (await db.jobDefinition.findFirst({ where: { organizationId, name: "seed" } })) ??
    (await db.jobDefinition.create({
      data: {
        id: `def-${organizationId}`,
        organizationId,
        name: "seed",
        revision: 1,
        arn: `arn:seed:${organizationId}`,
      },
    }));
  const now = BigInt(Date.now());
  await db.job.create({
    data: { id, organizationId, name: id, jobQueueId, jobDefinitionId: def.id, status, createdAt: now, updatedAt: now },
  });
}

describe.each(PROVIDERS)("job queues on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newOrg() {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    const org = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    for (const n of ["ce1", "ce2", "ce3", "ce4"]) {
      await createCe(ctx, {
        computeEnvironmentName: n,
        type: "MANAGED",
        computeResources: { type: "EC2", maxvCpus: 2 },
      });
    }
    await createCe(ctx, {
      computeEnvironmentName: "fargate",
      type: "MANAGED",
      computeResources: { type: "FARGATE", maxvCpus: 2 },
    });
    return { ctx, accountId: org.accountId, organizationId };
  }

  it("creates a queue with ordered environments, a policy and time-limit actions, and describes it", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createPolicy(ctx, { name: "fair" });
    const action = { reason: "too long", state: "RUNNABLE", maxTimeSeconds: 600, action: "CANCEL" };
    const out = await createQueue(ctx, {
      jobQueueName: "q",
      priority: 10,
      computeEnvironmentOrder: [
        { order: 2, computeEnvironment: computeEnvironmentArn(accountId, "ce2") },
        { order: 1, computeEnvironment: "ce1" },
      ],
      schedulingPolicyArn: schedulingPolicyArn(accountId, "fair"),
      jobStateTimeLimitActions: [action],
      tags: { a: "b" },
    });
    expect(out).toEqual({ jobQueueName: "q", jobQueueArn: jobQueueArn(accountId, "q") });
    const { jobQueues } = await describeQueues(ctx, { jobQueues: [jobQueueArn(accountId, "q")] });
    expect(jobQueues).toEqual([
      {
        jobQueueName: "q",
        jobQueueArn: jobQueueArn(accountId, "q"),
        state: "ENABLED",
        status: "VALID",
        priority: 10,
        schedulingPolicyArn: schedulingPolicyArn(accountId, "fair"),
        computeEnvironmentOrder: [
          { order: 1, computeEnvironment: computeEnvironmentArn(accountId, "ce1") },
          { order: 2, computeEnvironment: computeEnvironmentArn(accountId, "ce2") },
        ],
        jobStateTimeLimitActions: [action],
        jobQueueType: "ECS",
        tags: { a: "b" },
      },
    ]);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { organizationId, action: "jobQueue.create" } });
    expect(audit.targetId).toBe(jobQueueArn(accountId, "q"));
  });

  it("refuses unknown or mixed environments, unknown policies, duplicates and bad limits, writing nothing", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const order = [{ order: 1, computeEnvironment: "ce1" }];
    await expect(
      createQueue(ctx, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "nope" }],
      }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${computeEnvironmentArn(accountId, "nope")} does not exist`,
    });
    await expect(
      createQueue(ctx, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [...order, { order: 2, computeEnvironment: "fargate" }],
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("can't mix EC2/SPOT") });
    await expect(
      createQueue(ctx, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [...order, { order: 2, computeEnvironment: computeEnvironmentArn(accountId, "ce1") }],
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("only once") });
    await expect(
      createQueue(ctx, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: order,
        schedulingPolicyArn: schedulingPolicyArn(accountId, "ghost"),
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      createQueue(ctx, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: order,
        jobStateTimeLimitActions: [{ reason: "r", state: "RUNNABLE", maxTimeSeconds: 90000, action: "CANCEL" }],
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("between 600 and 86400") });
    expect(await t.db.jobQueue.count({ where: { organizationId } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "jobQueue.create" } })).toBe(0);

    await createQueue(ctx, { jobQueueName: "q", priority: 1, computeEnvironmentOrder: order });
    await expect(
      createQueue(ctx, { jobQueueName: "q", priority: 2, computeEnvironmentOrder: order }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already exists"),
    });
  });

  it("updates priority, state, order and actions; a policy can be replaced but not added to a FIFO queue", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createPolicy(ctx, { name: "p1" });
    await createPolicy(ctx, { name: "p2" });
    await createQueue(ctx, {
      jobQueueName: "fifo",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
    });
    await createQueue(ctx, {
      jobQueueName: "fair",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
      schedulingPolicyArn: schedulingPolicyArn(accountId, "p1"),
    });
    await updateQueue(ctx, {
      jobQueue: "fifo",
      priority: 50,
      state: "DISABLED",
      computeEnvironmentOrder: [
        { order: 5, computeEnvironment: "ce3" },
        { order: 1, computeEnvironment: "ce4" },
      ],
      jobStateTimeLimitActions: [{ reason: "r", state: "RUNNABLE", maxTimeSeconds: 86400, action: "CANCEL" }],
    });
    const [fifo] = (await describeQueues(ctx, { jobQueues: ["fifo"] })).jobQueues;
    expect(fifo).toMatchObject({
      priority: 50,
      state: "DISABLED",
      computeEnvironmentOrder: [
        { order: 1, computeEnvironment: computeEnvironmentArn(accountId, "ce4") },
        { order: 5, computeEnvironment: computeEnvironmentArn(accountId, "ce3") },
      ],
      jobStateTimeLimitActions: [{ reason: "r", state: "RUNNABLE", maxTimeSeconds: 86400, action: "CANCEL" }],
    });
    await expect(
      updateQueue(ctx, { jobQueue: "fifo", schedulingPolicyArn: schedulingPolicyArn(accountId, "p1") }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("FIFO") });

    await updateQueue(ctx, {
      jobQueue: jobQueueArn(accountId, "fair"),
      schedulingPolicyArn: schedulingPolicyArn(accountId, "p2"),
    });
    const [fair] = (await describeQueues(ctx, { jobQueues: ["fair"] })).jobQueues;
    expect(fair?.schedulingPolicyArn).toBe(schedulingPolicyArn(accountId, "p2"));
    // Priority unchanged when left out.
    expect(fair?.priority).toBe(1);
    await expect(updateQueue(ctx, { jobQueue: "ghost", priority: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${jobQueueArn(accountId, "ghost")} does not exist`,
    });
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "jobQueue.update" } })).toBe(2);
  });

  it("keeps the 50-queue quota, counting only queues that still exist", async () => {
    const { ctx, organizationId } = await newOrg();
    const order = [{ order: 1, computeEnvironment: "ce1" }];
    for (let i = 0; i < 50; i++)
      await createQueue(ctx, { jobQueueName: `q${i}`, priority: 1, computeEnvironmentOrder: order });
    await expect(
      createQueue(ctx, { jobQueueName: "q50", priority: 1, computeEnvironmentOrder: order }),
    ).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    const queue = await resolveJobQueue(t.db, organizationId, "q0");
    await insertJob(t.db, organizationId, queue.id, `${organizationId}-old`, "SUCCEEDED");
    await updateQueue(ctx, { jobQueue: "q0", state: "DISABLED" });
    await deleteQueue(ctx, { jobQueue: "q0" });
    await createQueue(ctx, { jobQueueName: "q50", priority: 1, computeEnvironmentOrder: order });
    expect(await t.db.jobQueue.count({ where: { organizationId, deletedAt: null } })).toBe(50);
  });

  it("pages through queues without gaps or repeats", async () => {
    const { ctx } = await newOrg();
    for (const n of ["q3", "q1", "q5", "q2", "q4"]) {
      await createQueue(ctx, {
        jobQueueName: n,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
      });
    }
    const names: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const p = await describeQueues(ctx, { maxResults: 2, ...(nextToken ? { nextToken } : {}) });
      names.push(...p.jobQueues.map((q) => q.jobQueueName));
      nextToken = p.nextToken;
    } while (nextToken);
    expect(names).toEqual(["q1", "q2", "q3", "q4", "q5"]);
  });

  it("deletes only a DISABLED queue, cancelling waiting jobs and asking running ones to terminate", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createPolicy(ctx, { name: "p" });
    await createQueue(ctx, {
      jobQueueName: "q",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
      schedulingPolicyArn: schedulingPolicyArn(accountId, "p"),
    });
    const queue = await resolveJobQueue(t.db, organizationId, "q");
    const statuses = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"];
    for (const s of statuses) await insertJob(t.db, organizationId, queue.id, `${organizationId}-${s}`, s);

    await expect(deleteQueue(ctx, { jobQueue: "q" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("DISABLED first"),
    });
    expect(await t.db.job.count({ where: { organizationId, status: "FAILED" } })).toBe(0);

    await updateQueue(ctx, { jobQueue: "q", state: "DISABLED" });
    expect(await deleteQueue(ctx, { jobQueue: jobQueueArn(accountId, "q") })).toEqual({});

    const jobs = await t.db.job.findMany({ where: { organizationId }, orderBy: { id: "asc" } });
    const byStatus = Object.fromEntries(jobs.map((j) => [j.id.slice(organizationId.length + 1), j]));
    for (const s of ["SUBMITTED", "PENDING", "RUNNABLE"]) {
      expect(byStatus[s]).toMatchObject({
        status: "FAILED",
        statusReason: JOB_QUEUE_DELETED_REASON,
        stopRequest: "CANCEL",
      });
      expect(byStatus[s]?.stoppedAt).not.toBeNull();
    }
    for (const s of ["STARTING", "RUNNING"]) {
      expect(byStatus[s]).toMatchObject({ status: s, stopRequest: "TERMINATE", stopReason: JOB_QUEUE_DELETED_REASON });
    }
    expect(byStatus.SUCCEEDED).toMatchObject({ status: "SUCCEEDED", stopRequest: null });

    // The row stays for its jobs' history, but the queue is gone and its name is free again.
    const kept = await t.db.jobQueue.findUniqueOrThrow({ where: { id: queue.id } });
    expect(kept).toMatchObject({
      status: "DELETED",
      liveName: null,
      arn: jobQueueArn(accountId, "q"),
      schedulingPolicyId: null,
    });
    expect((await describeQueues(ctx)).jobQueues).toEqual([]);
    await expect(resolveJobQueue(t.db, organizationId, "q")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await createQueue(ctx, {
      jobQueueName: "q",
      priority: 3,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
    });
    expect((await describeQueues(ctx)).jobQueues.map((q) => q.priority)).toEqual([3]);

    // A queue that never held a job is removed outright.
    await createQueue(ctx, {
      jobQueueName: "empty",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce2" }],
    });
    await updateQueue(ctx, { jobQueue: "empty", state: "DISABLED" });
    await deleteQueue(ctx, { jobQueue: "empty" });
    expect(await t.db.jobQueue.count({ where: { organizationId, name: "empty" } })).toBe(0);

    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "jobQueue.delete" } });
    expect(audit.map((a) => JSON.parse(a.details))).toContainEqual({ name: "q", cancelled: 3, terminating: 2 });
  });

  it("resolves a queue by name or ARN and refuses malformed ARNs", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createQueue(ctx, {
      jobQueueName: "q",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce1" }],
    });
    const byName = await resolveJobQueue(t.db, organizationId, "q");
    const byArn = await resolveJobQueue(t.db, organizationId, jobQueueArn(accountId, "q"));
    expect(byArn.id).toBe(byName.id);
    await expect(resolveJobQueue(t.db, organizationId, jobQueueArn("000000000000", "q"))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(resolveJobQueue(t.db, organizationId, computeEnvironmentArn(accountId, "ce1"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(resolveJobQueue(t.db, organizationId, "arn:nonsense")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { schedulingPolicyArn } from "@/lib/batch/arn";
import {
  createComputeEnvironment,
  createComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/create-compute-environment";
import { createJobQueue, createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import { deleteJobQueue, deleteJobQueueInput } from "@/lib/resources/job-queues/delete-job-queue";
import { updateJobQueue, updateJobQueueInput } from "@/lib/resources/job-queues/update-job-queue";
import {
  createSchedulingPolicy,
  createSchedulingPolicyInput,
} from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import {
  deleteSchedulingPolicy,
  deleteSchedulingPolicyInput,
} from "@/lib/resources/scheduling-policies/delete-scheduling-policy";
import {
  describeSchedulingPolicies,
  describeSchedulingPoliciesInput,
} from "@/lib/resources/scheduling-policies/describe-scheduling-policies";
import {
  listSchedulingPolicies,
  listSchedulingPoliciesInput,
} from "@/lib/resources/scheduling-policies/list-scheduling-policies";
import {
  updateSchedulingPolicy,
  updateSchedulingPolicyInput,
} from "@/lib/resources/scheduling-policies/update-scheduling-policy";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const create = async (ctx: OrgContext, raw: unknown) =>
  createSchedulingPolicy(ctx, parseInput(createSchedulingPolicyInput, raw));
const update = async (ctx: OrgContext, raw: unknown) =>
  updateSchedulingPolicy(ctx, parseInput(updateSchedulingPolicyInput, raw));
const remove = async (ctx: OrgContext, raw: unknown) =>
  deleteSchedulingPolicy(ctx, parseInput(deleteSchedulingPolicyInput, raw));
const describePolicies = async (ctx: OrgContext, raw: unknown) =>
  describeSchedulingPolicies(ctx, parseInput(describeSchedulingPoliciesInput, raw));
const list = async (ctx: OrgContext, raw: unknown = {}) =>
  listSchedulingPolicies(ctx, parseInput(listSchedulingPoliciesInput, raw));

describe.each(PROVIDERS)("scheduling policies on %s", (provider) => {
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
    return { ctx: contextFor(t.db, organizationId, admin, "admin"), accountId: org.accountId, organizationId };
  }

  const policy = {
    shareDecaySeconds: 3600,
    computeReservation: 50,
    shareDistribution: [
      { shareIdentifier: "teamA*", weightFactor: 0.5 },
      { shareIdentifier: "teamB", weightFactor: 2 },
    ],
  };

  it("creates, describes, updates (replacing the policy) and lists", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const arn = schedulingPolicyArn(accountId, "fair");
    expect(await create(ctx, { name: "fair", fairsharePolicy: policy, tags: { k: "v" } })).toEqual({
      name: "fair",
      arn,
    });
    await expect(create(ctx, { name: "fair" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already exists"),
    });
    expect(await describePolicies(ctx, { arns: [arn, schedulingPolicyArn(accountId, "ghost")] })).toEqual({
      schedulingPolicies: [{ name: "fair", arn, fairsharePolicy: policy, tags: { k: "v" } }],
    });

    await update(ctx, { arn, fairsharePolicy: { shareDecaySeconds: 0 } });
    const [after] = (await describePolicies(ctx, { arns: [arn] })).schedulingPolicies;
    expect(after?.fairsharePolicy).toEqual({ shareDecaySeconds: 0 });
    await expect(update(ctx, { arn, fairsharePolicy: { computeReservation: 100 } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("computeReservation must be an integer between 0 and 99"),
    });
    await expect(update(ctx, { arn: schedulingPolicyArn(accountId, "ghost") })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    for (const n of ["b", "a", "c"]) await create(ctx, { name: n });
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await list(ctx, { maxResults: 3, ...(nextToken ? { nextToken } : {}) });
      arns.push(...page.schedulingPolicies.map((p) => p.arn));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(arns).toEqual(["a", "b", "c", "fair"].map((n) => schedulingPolicyArn(accountId, n)));

    const actions = await t.db.auditEvent.findMany({ where: { organizationId, targetId: arn } });
    expect(actions.map((a) => a.action).sort()).toEqual(["schedulingPolicy.create", "schedulingPolicy.update"]);
  });

  it("refuses to delete a policy a queue uses, and deletes it once the queue is gone", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const arn = schedulingPolicyArn(accountId, "p");
    await create(ctx, { name: "p", fairsharePolicy: policy });
    await createComputeEnvironment(
      ctx,
      parseInput(createComputeEnvironmentInput, { computeEnvironmentName: "ce", type: "MANAGED" }),
    );
    await createJobQueue(
      ctx,
      parseInput(createJobQueueInput, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
        schedulingPolicyArn: arn,
      }),
    );
    await expect(remove(ctx, { arn })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("attached to job queue(s) q"),
    });
    await updateJobQueue(ctx, parseInput(updateJobQueueInput, { jobQueue: "q", state: "DISABLED" }));
    await deleteJobQueue(ctx, parseInput(deleteJobQueueInput, { jobQueue: "q" }));
    expect(await remove(ctx, { arn })).toEqual({});
    expect(await t.db.schedulingPolicy.count({ where: { organizationId } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "schedulingPolicy.delete" } })).toBe(1);
    await expect(remove(ctx, { arn })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses bad names, unknown fields with meaning it lacks, and bad describe requests", async () => {
    const { ctx } = await newOrg();
    await expect(create(ctx, { name: "has space" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(create(ctx, { name: "q", quotaSharePolicy: {} })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("quotaSharePolicy is not supported"),
    });
    await expect(describePolicies(ctx, { arns: [] })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      describePolicies(ctx, { arns: ["arn:aws:batch:us-east-1:123456789012:job-queue/q"] }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("not a valid scheduling policy ARN"),
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { computeEnvironmentArn, jobDefinitionArn, jobQueueArn, schedulingPolicyArn } from "@/lib/batch/arn";
import {
  createComputeEnvironment,
  createComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/create-compute-environment";
import {
  deleteComputeEnvironment,
  deleteComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/delete-compute-environment";
import {
  describeComputeEnvironments,
  describeComputeEnvironmentsInput,
} from "@/lib/resources/compute-environments/describe-compute-environments";
import {
  updateComputeEnvironment,
  updateComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/update-compute-environment";
import {
  deregisterJobDefinition,
  deregisterJobDefinitionInput,
} from "@/lib/resources/job-definitions/deregister-job-definition";
import {
  describeJobDefinitions,
  describeJobDefinitionsInput,
} from "@/lib/resources/job-definitions/describe-job-definitions";
import {
  registerJobDefinition,
  registerJobDefinitionInput,
} from "@/lib/resources/job-definitions/register-job-definition";
import { resolveJobDefinition } from "@/lib/resources/job-definitions/resolve-job-definition";
import { createJobQueue, createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import { deleteJobQueue, deleteJobQueueInput } from "@/lib/resources/job-queues/delete-job-queue";
import { describeJobQueues, describeJobQueuesInput } from "@/lib/resources/job-queues/describe-job-queues";
import { resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
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
import { listTagsForResource, listTagsForResourceInput } from "@/lib/resources/tags/list-tags-for-resource";
import { tagResource, tagResourceInput } from "@/lib/resources/tags/tag-resource";
import { untagResource, untagResourceInput } from "@/lib/resources/tags/untag-resource";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

async function seedOrg(t: TestDatabase, label: string) {
  const { organizationId, admin } = await createOrgWithAdmin(t.db, label);
  const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
  const ctx = contextFor(t.db, organizationId, admin, "admin");
  await createComputeEnvironment(
    ctx,
    parseInput(createComputeEnvironmentInput, { computeEnvironmentName: "ce", type: "MANAGED" }),
  );
  await createSchedulingPolicy(ctx, parseInput(createSchedulingPolicyInput, { name: "p" }));
  await createJobQueue(
    ctx,
    parseInput(createJobQueueInput, {
      jobQueueName: "q",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
      schedulingPolicyArn: schedulingPolicyArn(accountId, "p"),
    }),
  );
  await registerJobDefinition(
    ctx,
    parseInput(registerJobDefinitionInput, {
      jobDefinitionName: "d",
      type: "container",
      containerProperties: { image: "x" },
    }),
  );
  return { ctx, organizationId, accountId };
}

async function snapshot(t: TestDatabase, organizationId: string) {
  const [ces, queues, policies, defs, links] = await Promise.all([
    t.db.computeEnvironment.findMany({ where: { organizationId }, orderBy: { id: "asc" } }),
    t.db.jobQueue.findMany({ where: { organizationId }, orderBy: { id: "asc" } }),
    t.db.schedulingPolicy.findMany({ where: { organizationId }, orderBy: { id: "asc" } }),
    t.db.jobDefinition.findMany({ where: { organizationId }, orderBy: { id: "asc" } }),
    t.db.jobQueueComputeEnvironment.findMany({ where: { jobQueue: { organizationId } } }),
  ]);
  return { ces, queues, policies, defs, links };
}

describe.each(PROVIDERS)("resource isolation between organizations on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("never finds, lists, changes or deletes another organization's resources", async () => {
    const a = await seedOrg(t, "A");
    const b = await createOrgWithAdmin(t.db, "B");
    const ctxB = contextFor(t.db, b.organizationId, b.admin, "admin");
    const arns = {
      ce: computeEnvironmentArn(a.accountId, "ce"),
      queue: jobQueueArn(a.accountId, "q"),
      policy: schedulingPolicyArn(a.accountId, "p"),
      definition: jobDefinitionArn(a.accountId, "d", 1),
    };
    // A disabled queue and CE so that only ownership stands between B and a delete.
    await updateJobQueue(a.ctx, parseInput(updateJobQueueInput, { jobQueue: "q", state: "DISABLED" }));
    await updateComputeEnvironment(
      a.ctx,
      parseInput(updateComputeEnvironmentInput, { computeEnvironment: "ce", state: "DISABLED" }),
    );
    const before = await snapshot(t, a.organizationId);
    const auditBefore = await t.db.auditEvent.count({ where: { organizationId: a.organizationId } });
    const auditBeforeB = await t.db.auditEvent.count({ where: { organizationId: b.organizationId } });

    type AnyOperation = (ctx: OrgContext, input: never) => Promise<unknown>;
    const call = async (fn: AnyOperation, schema: z.ZodType, raw: unknown) =>
      (fn as (ctx: OrgContext, input: unknown) => Promise<unknown>)(ctxB, parseInput(schema, raw));

    // Listing and describing see nothing of A's.
    expect(
      (await describeComputeEnvironments(ctxB, parseInput(describeComputeEnvironmentsInput, {}))).computeEnvironments,
    ).toEqual([]);
    expect(
      (
        await describeComputeEnvironments(
          ctxB,
          parseInput(describeComputeEnvironmentsInput, { computeEnvironments: ["ce", arns.ce] }),
        )
      ).computeEnvironments,
    ).toEqual([]);
    expect(
      (await describeJobQueues(ctxB, parseInput(describeJobQueuesInput, { jobQueues: ["q", arns.queue] }))).jobQueues,
    ).toEqual([]);
    expect((await describeJobQueues(ctxB, parseInput(describeJobQueuesInput, {}))).jobQueues).toEqual([]);
    expect(
      (await describeSchedulingPolicies(ctxB, parseInput(describeSchedulingPoliciesInput, { arns: [arns.policy] })))
        .schedulingPolicies,
    ).toEqual([]);
    expect(
      (await listSchedulingPolicies(ctxB, parseInput(listSchedulingPoliciesInput, {}))).schedulingPolicies,
    ).toEqual([]);
    expect(
      (
        await describeJobDefinitions(
          ctxB,
          parseInput(describeJobDefinitionsInput, { jobDefinitions: ["d:1", arns.definition] }),
        )
      ).jobDefinitions,
    ).toEqual([]);
    expect((await describeJobDefinitions(ctxB, parseInput(describeJobDefinitionsInput, {}))).jobDefinitions).toEqual(
      [],
    );

    // Resolving, changing, tagging and deleting by A's names or ARNs is "does not exist".
    const notFound = { code: "NOT_FOUND" };
    await expect(resolveJobQueue(t.db, b.organizationId, arns.queue)).rejects.toMatchObject(notFound);
    await expect(resolveJobQueue(t.db, b.organizationId, "q")).rejects.toMatchObject(notFound);
    await expect(resolveJobDefinition(t.db, b.organizationId, arns.definition)).rejects.toMatchObject(notFound);
    await expect(resolveJobDefinition(t.db, b.organizationId, "d")).rejects.toMatchObject(notFound);
    for (const [fn, schema, raw] of [
      [updateComputeEnvironment, updateComputeEnvironmentInput, { computeEnvironment: arns.ce, state: "ENABLED" }],
      [deleteComputeEnvironment, deleteComputeEnvironmentInput, { computeEnvironment: arns.ce }],
      [deleteComputeEnvironment, deleteComputeEnvironmentInput, { computeEnvironment: "ce" }],
      [updateJobQueue, updateJobQueueInput, { jobQueue: arns.queue, priority: 99 }],
      [deleteJobQueue, deleteJobQueueInput, { jobQueue: arns.queue }],
      [updateSchedulingPolicy, updateSchedulingPolicyInput, { arn: arns.policy, fairsharePolicy: {} }],
      [deleteSchedulingPolicy, deleteSchedulingPolicyInput, { arn: arns.policy }],
      [deregisterJobDefinition, deregisterJobDefinitionInput, { jobDefinition: arns.definition }],
      [deregisterJobDefinition, deregisterJobDefinitionInput, { jobDefinition: "d:1" }],
      [
        createJobQueue,
        createJobQueueInput,
        { jobQueueName: "mine", priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: arns.ce }] },
      ],
      ...Object.values(arns).flatMap((arn) => [
        [tagResource, tagResourceInput, { resourceArn: arn, tags: { x: "y" } }],
        [untagResource, untagResourceInput, { resourceArn: arn, tagKeys: ["x"] }],
        [listTagsForResource, listTagsForResourceInput, { resourceArn: arn }],
      ]),
    ] as [AnyOperation, z.ZodType, unknown][]) {
      await expect(call(fn, schema, raw)).rejects.toMatchObject(notFound);
    }

    expect(await snapshot(t, a.organizationId)).toEqual(before);
    expect(await t.db.auditEvent.count({ where: { organizationId: a.organizationId } })).toBe(auditBefore);
    expect(await t.db.auditEvent.count({ where: { organizationId: b.organizationId } })).toBe(auditBeforeB);

    // The same names are free in B.
    const seededB = await seedOrg(t, "B2");
    expect(await describeJobQueues(seededB.ctx, parseInput(describeJobQueuesInput, {}))).toMatchObject({
      jobQueues: [{ jobQueueArn: jobQueueArn(seededB.accountId, "q") }],
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { computeEnvironmentArn, jobArn, jobDefinitionArn, jobQueueArn, schedulingPolicyArn } from "@/lib/batch/arn";
import {
  createComputeEnvironment,
  createComputeEnvironmentInput,
} from "@/lib/resources/compute-environments/create-compute-environment";
import { hostCapacity } from "@/lib/resources/compute-environments/host";
import {
  registerJobDefinition,
  registerJobDefinitionInput,
} from "@/lib/resources/job-definitions/register-job-definition";
import { createJobQueue, createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import {
  createSchedulingPolicy,
  createSchedulingPolicyInput,
} from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import { listTagsForResource, listTagsForResourceInput } from "@/lib/resources/tags/list-tags-for-resource";
import { tagResource, tagResourceInput } from "@/lib/resources/tags/tag-resource";
import { untagResource, untagResourceInput } from "@/lib/resources/tags/untag-resource";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const tag = async (ctx: OrgContext, raw: unknown) => tagResource(ctx, parseInput(tagResourceInput, raw));
const untag = async (ctx: OrgContext, raw: unknown) => untagResource(ctx, parseInput(untagResourceInput, raw));
const listTags = async (ctx: OrgContext, resourceArn: string) =>
  listTagsForResource(ctx, parseInput(listTagsForResourceInput, { resourceArn }));

describe.each(PROVIDERS)("tags on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function seed() {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await createComputeEnvironment(
      ctx,
      parseInput(createComputeEnvironmentInput, {
        computeEnvironmentName: "ce",
        type: "MANAGED",
        tags: { from: "create" },
      }),
    );
    await createJobQueue(
      ctx,
      parseInput(createJobQueueInput, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
      }),
    );
    await createSchedulingPolicy(ctx, parseInput(createSchedulingPolicyInput, { name: "p" }));
    await registerJobDefinition(
      ctx,
      parseInput(registerJobDefinitionInput, {
        jobDefinitionName: "d",
        type: "container",
        containerProperties: { image: "x" },
      }),
    );
    const queue = await t.db.jobQueue.findFirstOrThrow({ where: { organizationId } });
    const definition = await t.db.jobDefinition.findFirstOrThrow({ where: { organizationId } });
    const jobId = `job-${organizationId}`;
    const now = BigInt(Date.now());
    await t.db.job.create({
      data: {
        id: jobId,
        organizationId,
        name: "j",
        jobQueueId: queue.id,
        jobDefinitionId: definition.id,
        status: "RUNNABLE",
        createdAt: now,
        updatedAt: now,
      },
    });
    const arns = {
      ce: computeEnvironmentArn(accountId, "ce"),
      queue: jobQueueArn(accountId, "q"),
      policy: schedulingPolicyArn(accountId, "p"),
      definition: jobDefinitionArn(accountId, "d", 1),
      job: jobArn(accountId, jobId),
    };
    return { ctx, accountId, organizationId, arns, jobId };
  }

  it("tags, lists and untags every kind of resource, auditing each change", async () => {
    const { ctx, organizationId, arns, jobId } = await seed();
    const targetTypes = {
      ce: "computeEnvironment",
      queue: "jobQueue",
      policy: "schedulingPolicy",
      definition: "jobDefinition",
      job: "job",
    } as const;
    for (const [kind, arn] of Object.entries(arns)) {
      expect(await tag(ctx, { resourceArn: arn, tags: { a: "1", b: "2" } })).toEqual({});
      await tag(ctx, { resourceArn: arn, tags: { b: "3" } });
      const expected = kind === "ce" ? { from: "create", a: "1", b: "3" } : { a: "1", b: "3" };
      expect((await listTags(ctx, arn)).tags).toEqual(expected);
      expect(await untag(ctx, { resourceArn: arn, tagKeys: ["a", "not-there"] })).toEqual({});
      const { a: _a, ...rest } = expected;
      expect((await listTags(ctx, arn)).tags).toEqual(rest);
      const type = targetTypes[kind as keyof typeof targetTypes];
      const audit = await t.db.auditEvent.findMany({
        where: { organizationId, targetId: arn, targetType: type, action: { contains: "tag" } },
      });
      expect(audit.map((e) => e.action).sort()).toEqual([`${type}.tag`, `${type}.tag`, `${type}.untag`]);
    }
    // Only the tags column of the job changed.
    const job = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe("RUNNABLE");
    expect(JSON.parse(job.tags)).toEqual({ b: "3" });
  });

  it("keeps the 50-tag cap on the merged result and refuses reserved keys", async () => {
    const { ctx, arns } = await seed();
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
    await tag(ctx, { resourceArn: arns.queue, tags: many });
    await tag(ctx, { resourceArn: arns.queue, tags: { k0: "overwrite", extra: "ok" } });
    await expect(tag(ctx, { resourceArn: arns.queue, tags: { oneMore: "x" } })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      message: expect.stringContaining("would have 51"),
    });
    expect(Object.keys((await listTags(ctx, arns.queue)).tags)).toHaveLength(50);
    await expect(tag(ctx, { resourceArn: arns.queue, tags: { "aws:x": "y" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("changes a compute environment's built-in memory and GPUs through its batchdeck tags", async () => {
    const { ctx, organizationId, arns } = await seed();
    await tag(ctx, { resourceArn: arns.ce, tags: { "batchdeck:memoryMiB": "2048", "batchdeck:gpuIds": "0,1" } });
    let ce = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId } });
    expect([ce.memoryMiB, JSON.parse(ce.gpuIds)]).toEqual([2048, ["0", "1"]]);
    await expect(tag(ctx, { resourceArn: arns.ce, tags: { "batchdeck:memoryMiB": "-5" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("batchdeck:memoryMiB"),
    });
    await untag(ctx, { resourceArn: arns.ce, tagKeys: ["batchdeck:memoryMiB", "batchdeck:gpuIds"] });
    ce = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId } });
    expect([ce.memoryMiB, JSON.parse(ce.gpuIds)]).toEqual([(await hostCapacity(t.db)).memoryMiB, []]);
  });

  it("checks a compute environment's executor tags at TagResource, merged with the ones it has", async () => {
    const { ctx, organizationId, arns } = await seed();
    await tag(ctx, { resourceArn: arns.ce, tags: { "batchdeck:executor": "process", "batchdeck:hostPaths": "/srv" } });
    const bad: [Record<string, string>, string][] = [
      [{ "batchdeck:executor": "vm" }, "Tag batchdeck:executor must be container or process"],
      [{ "batchdeck:allowPrivileged": "1" }, "Tag batchdeck:allowPrivileged must be true or false"],
      [{ "batchdeck:hostPaths": "relative" }, "Tag batchdeck:hostPaths must be a comma-separated list"],
      [{ "batchdeck:devices": "/dev/../etc/passwd" }, "Tag batchdeck:devices must be a comma-separated list"],
      [{ "batchdeck:pidsLimit": "0" }, "Tag batchdeck:pidsLimit must be a whole number from 16"],
      [{ "batchdeck:diskMiB": "-1" }, "Tag batchdeck:diskMiB must be a whole number of MiB"],
      [{ "batchdeck:network": "host" }, "Tag batchdeck:network can't be host"],
    ];
    for (const [tags, message] of bad) {
      await expect(tag(ctx, { resourceArn: arns.ce, tags })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringContaining(message),
      });
    }
    // Executor tags mean nothing on other resources: a queue may carry any value.
    await tag(ctx, { resourceArn: arns.queue, tags: { "batchdeck:network": "host" } });
    const ce = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId } });
    expect(JSON.parse(ce.tags)).toEqual({
      from: "create",
      "batchdeck:executor": "process",
      "batchdeck:hostPaths": "/srv",
    });
  });

  it("refuses ARNs that name nothing taggable", async () => {
    const { ctx, accountId, arns } = await seed();
    await expect(listTags(ctx, `${arns.job}:3`)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("array child"),
    });
    await expect(listTags(ctx, jobDefinitionArn(accountId, "d", 1).replace(/:1$/, ""))).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(listTags(ctx, jobQueueArn(accountId, "ghost"))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${jobQueueArn(accountId, "ghost")} does not exist`,
    });
    await expect(listTags(ctx, "arn:aws:s3:::bucket")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(listTags(ctx, jobArn(accountId, "no-such-job"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// Consumable resources on the built-in backend: the six operations (errors, pagination,
// filters, roles), definitions and submissions that require them, and what is in use as jobs
// move, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { DOMAIN_OPERATIONS } from "@/lib/api/operations";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation, type Operation } from "@/lib/auth/operation";
import type { Role } from "@/lib/auth/permissions";
import { consumableResourceArn } from "@/lib/batch/arn";
import { directTransaction } from "@/lib/db/direct";
import { consumeNonReplenishable, readConsumableQuantities, readJobRequirements } from "@/lib/jobs/consumable-usage";
import { explainJob } from "@/lib/jobs/explain-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { forceStatus, seedQueue } from "../helpers/job-fixtures";

// biome-ignore lint/suspicious/noExplicitAny: operations of many result types.
type AnyOperation = Operation<z.ZodType, any>;

/** An operation as /v1 runs it on the built-in backend: permission, validation, domain function. */
// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field.
const call = (ctx: OrgContext, name: string, raw: unknown): Promise<any> =>
  executeOperation(DOMAIN_OPERATIONS[name] as AnyOperation, ctx, raw);

describe.each(PROVIDERS)("consumable resources on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newOrg(name = "Acme") {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const as = async (role: Role) => {
      const user = await createUser(t.db, `${role}-${organizationId.slice(0, 8)}@example.com`);
      await addMembership(t.db, organizationId, user.id, role);
      return contextFor(t.db, organizationId, user, role);
    };
    return { organizationId, accountId, ctx, as };
  }

  /** A queue and a definition (through RegisterJobDefinition) requiring `seats`. */
  async function withJobs(ctx: OrgContext, organizationId: string, list: unknown[]) {
    await seedQueue(t.db, organizationId, { name: "q" });
    await call(ctx, "RegisterJobDefinition", {
      jobDefinitionName: "licensed",
      type: "container",
      containerProperties: { image: "busybox", command: ["true"] },
      consumableResourceProperties: { consumableResourceList: list },
    });
    return (raw: Record<string, unknown> = {}) =>
      call(ctx, "SubmitJob", { jobName: "j", jobQueue: "q", jobDefinition: "licensed", ...raw }) as Promise<{
        jobId: string;
      }>;
  }

  it("creates, describes, updates, lists and deletes, with AWS's shapes and audit entries", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const arn = consumableResourceArn(accountId, "seats");
    expect(arn).toBe(`arn:aws:batch:us-east-1:${accountId}:consumable-resource/seats`);
    expect(
      await call(ctx, "CreateConsumableResource", {
        consumableResourceName: "seats",
        totalQuantity: 3,
        tags: { k: "v" },
      }),
    ).toEqual({ consumableResourceName: "seats", consumableResourceArn: arn });
    await expect(call(ctx, "CreateConsumableResource", { consumableResourceName: "seats" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already exists"),
    });

    const described = await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" });
    expect(described).toEqual({
      consumableResourceName: "seats",
      consumableResourceArn: arn,
      totalQuantity: 3,
      inUseQuantity: 0,
      availableQuantity: 3,
      resourceType: "REPLENISHABLE",
      createdAt: expect.any(Number),
      tags: { k: "v" },
    });
    // By ARN as well as by name.
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: arn })).toEqual(described);

    expect(
      await call(ctx, "UpdateConsumableResource", { consumableResource: arn, operation: "ADD", quantity: 2 }),
    ).toEqual({ consumableResourceName: "seats", consumableResourceArn: arn, totalQuantity: 5 });
    expect(
      (await call(ctx, "UpdateConsumableResource", { consumableResource: "seats", operation: "REMOVE", quantity: 1 }))
        .totalQuantity,
    ).toBe(4);
    expect(
      (await call(ctx, "UpdateConsumableResource", { consumableResource: "seats", quantity: 7 })).totalQuantity,
    ).toBe(7);
    await expect(
      call(ctx, "UpdateConsumableResource", { consumableResource: "seats", operation: "REMOVE", quantity: 8 }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("total quantity is 7") });

    expect(await call(ctx, "ListConsumableResources", {})).toEqual({
      consumableResources: [
        {
          consumableResourceArn: arn,
          consumableResourceName: "seats",
          totalQuantity: 7,
          inUseQuantity: 0,
          resourceType: "REPLENISHABLE",
        },
      ],
    });

    expect(await call(ctx, "DeleteConsumableResource", { consumableResource: "seats" })).toEqual({});
    await expect(call(ctx, "DescribeConsumableResource", { consumableResource: "seats" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${arn} does not exist`,
    });
    const audit = await t.db.auditEvent.findMany({
      where: { organizationId, targetType: "consumableResource" },
      orderBy: { createdAt: "asc" },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "consumableResource.create",
      "consumableResource.update",
      "consumableResource.update",
      "consumableResource.update",
      "consumableResource.delete",
    ]);
  });

  it("refuses malformed requests with AWS-style messages", async () => {
    const { ctx } = await newOrg();
    const refused = (name: string, raw: unknown) =>
      expect(call(ctx, name, raw)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await refused("CreateConsumableResource", { consumableResourceName: "bad name" });
    await refused("CreateConsumableResource", { consumableResourceName: "x", totalQuantity: -1 });
    await refused("CreateConsumableResource", { consumableResourceName: "x", totalQuantity: 1.5 });
    await refused("CreateConsumableResource", { consumableResourceName: "x", resourceType: "SOMETIMES" });
    await refused("UpdateConsumableResource", { consumableResource: "x", operation: "MULTIPLY", quantity: 1 });
    await refused("ListConsumableResources", { maxResults: 0 });
    await refused("ListConsumableResources", { filters: [{ name: "TAG", values: ["a"] }] });
    await refused("ListConsumableResources", { nextToken: "made-up" });
    await refused("ListJobsByConsumableResource", {
      consumableResource: "x",
      filters: [{ name: "JOB_STATUS", values: ["WAITING"] }],
    });
    await refused("DescribeConsumableResource", { consumableResource: "arn:aws:batch:us-east-1:1:job-queue/q" });
  });

  it("keeps each organization's resources to itself", async () => {
    const a = await newOrg("A");
    const b = await newOrg("B");
    await call(a.ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 1 });
    const arn = consumableResourceArn(a.accountId, "seats");
    await expect(call(b.ctx, "DescribeConsumableResource", { consumableResource: arn })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(call(b.ctx, "DeleteConsumableResource", { consumableResource: arn })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await call(b.ctx, "ListConsumableResources", {})).consumableResources).toEqual([]);
    // The same name is free in another organization.
    await call(b.ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 2 });
    expect((await call(a.ctx, "DescribeConsumableResource", { consumableResource: "seats" })).totalQuantity).toBe(1);
  });

  it("lets admins and developers manage, and every member read", async () => {
    const { ctx, as } = await newOrg();
    const submitter = await as("submitter");
    const developer = await as("developer");
    await expect(
      call(submitter, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await call(developer, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 1 });
    for (const [name, raw] of [
      ["UpdateConsumableResource", { consumableResource: "seats", quantity: 2 }],
      ["DeleteConsumableResource", { consumableResource: "seats" }],
    ] as const) {
      await expect(call(submitter, name, raw)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await call(submitter, "DescribeConsumableResource", { consumableResource: "seats" })).totalQuantity).toBe(
      1,
    );
    expect((await call(submitter, "ListConsumableResources", {})).consumableResources).toHaveLength(1);
    expect(await call(submitter, "ListJobsByConsumableResource", { consumableResource: "seats" })).toEqual({
      jobs: [],
    });
    await call(ctx, "UpdateConsumableResource", { consumableResource: "seats", quantity: 3 });
    await call(developer, "DeleteConsumableResource", { consumableResource: "seats" });
  });

  it("pages by name and filters by name without regard to case, a trailing * a prefix", async () => {
    const { ctx } = await newOrg();
    for (const name of ["lic_a", "lic_b", "Lic-C", "licXd", "other"]) {
      await call(ctx, "CreateConsumableResource", { consumableResourceName: name, totalQuantity: 1 });
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call(ctx, "ListConsumableResources", { maxResults: 2, ...(nextToken ? { nextToken } : {}) });
      expect(page.consumableResources.length).toBeLessThanOrEqual(2);
      names.push(...page.consumableResources.map((r: { consumableResourceName: string }) => r.consumableResourceName));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names.sort()).toEqual(["Lic-C", "licXd", "lic_a", "lic_b", "other"].sort());

    const filtered = async (values: string[]) =>
      (
        await call(ctx, "ListConsumableResources", { filters: [{ name: "CONSUMABLE_RESOURCE_NAME", values }] })
      ).consumableResources
        .map((r: { consumableResourceName: string }) => r.consumableResourceName)
        .sort();
    expect(await filtered(["LIC*"])).toEqual(["Lic-C", "licXd", "lic_a", "lic_b"].sort());
    // "_" is a character of the name, not LIKE's "any character".
    expect(await filtered(["lic_*"])).toEqual(["lic_a", "lic_b"]);
    expect(await filtered(["OTHER", "lic-c"])).toEqual(["Lic-C", "other"]);
    expect(await filtered(["li"])).toEqual([]);
  });

  it("stores a definition's requirement and shows it in DescribeJobDefinitions", async () => {
    const { ctx, organizationId } = await newOrg();
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 2 });
    await withJobs(ctx, organizationId, [{ consumableResource: "seats", quantity: 1 }]);
    const { jobDefinitions } = await call(ctx, "DescribeJobDefinitions", { jobDefinitionName: "licensed" });
    expect(jobDefinitions[0].consumableResourceProperties).toEqual({
      consumableResourceList: [{ consumableResource: "seats", quantity: 1 }],
    });
    await expect(
      call(ctx, "RegisterJobDefinition", {
        jobDefinitionName: "bad",
        type: "container",
        containerProperties: { image: "busybox" },
        consumableResourceProperties: { consumableResourceList: [{ consumableResource: "seats", quantity: 0 }] },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("resolves a submission's requirement, or its override, and shows it in DescribeJobs", async () => {
    const { ctx, organizationId, accountId } = await newOrg();
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 2 });
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "tokens", totalQuantity: 10 });
    const submit = await withJobs(ctx, organizationId, [{ consumableResource: "seats", quantity: 1 }]);
    const seats = consumableResourceArn(accountId, "seats");
    const tokens = consumableResourceArn(accountId, "tokens");

    const plain = await submit();
    const overridden = await submit({
      consumableResourcePropertiesOverride: {
        consumableResourceList: [
          { consumableResource: tokens, quantity: 4 },
          { consumableResource: "seats", quantity: 2 },
        ],
      },
    });
    const none = await submit({ consumableResourcePropertiesOverride: { consumableResourceList: [] } });
    const { jobs } = await call(ctx, "DescribeJobs", { jobs: [plain.jobId, overridden.jobId, none.jobId] });
    expect(jobs[0].consumableResourceProperties).toEqual({
      consumableResourceList: [{ consumableResource: seats, quantity: 1 }],
    });
    expect(jobs[1].consumableResourceProperties).toEqual({
      consumableResourceList: [
        { consumableResource: tokens, quantity: 4 },
        { consumableResource: seats, quantity: 2 },
      ],
    });
    expect(jobs[2].consumableResourceProperties).toBeUndefined();
    const rows = await t.db.jobConsumableResource.findMany({
      where: { jobId: { in: [plain.jobId, overridden.jobId, none.jobId] } },
    });
    expect(rows.map((r) => [r.jobId, Number(r.quantity)]).sort()).toEqual(
      [
        [plain.jobId, 1],
        [overridden.jobId, 4],
        [overridden.jobId, 2],
      ].sort(),
    );

    // Refusals name the resource and leave nothing behind.
    const before = await t.db.job.count({ where: { organizationId } });
    const override = (list: unknown[]) => ({ consumableResourcePropertiesOverride: { consumableResourceList: list } });
    await expect(submit(override([{ consumableResource: "ghost", quantity: 1 }]))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `Consumable resource ${consumableResourceArn(accountId, "ghost")} does not exist.`,
    });
    await expect(submit(override([{ consumableResource: "seats", quantity: 3 }]))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/requires 3 of consumable resource seats, more than its total quantity of 2/),
    });
    await expect(
      submit(
        override([
          { consumableResource: "seats", quantity: 1 },
          { consumableResource: seats, quantity: 1 },
        ]),
      ),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("more than once") });
    // Another organization's resource by ARN reads as one that does not exist.
    const other = await newOrg("Other");
    await call(other.ctx, "CreateConsumableResource", { consumableResourceName: "theirs", totalQuantity: 5 });
    const theirs = consumableResourceArn(other.accountId, "theirs");
    await expect(submit(override([{ consumableResource: theirs, quantity: 1 }]))).rejects.toMatchObject({
      message: `Consumable resource ${theirs} does not exist.`,
    });
    expect(await t.db.job.count({ where: { organizationId } })).toBe(before);
  });

  it("gives array children the parent's requirement, and takes the Prisma path with dependencies", async () => {
    const { ctx, organizationId } = await newOrg();
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 1 });
    const submit = await withJobs(ctx, organizationId, [{ consumableResource: "seats", quantity: 1 }]);
    const array = await submit({ arrayProperties: { size: 3 } });
    const { jobs } = await call(ctx, "DescribeJobs", { jobs: [`${array.jobId}:2`] });
    expect(jobs[0].consumableResourceProperties.consumableResourceList).toHaveLength(1);
    expect(
      await t.db.jobConsumableResource.count({
        where: { job: { OR: [{ id: array.jobId }, { arrayParentId: array.jobId }] } },
      }),
    ).toBe(4);
    const dependent = await submit({ dependsOn: [{ jobId: array.jobId }] });
    expect(await t.db.jobConsumableResource.count({ where: { jobId: dependent.jobId } })).toBe(1);
  });

  it("counts jobs on a host as in use, lists the jobs that require a resource, and refuses deletion while any is unfinished", async () => {
    const { ctx, organizationId, accountId } = await newOrg();
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 3 });
    const submit = await withJobs(ctx, organizationId, [{ consumableResource: "seats", quantity: 2 }]);
    const first = await submit({ jobName: "first" });
    const second = await submit({ jobName: "Second" });
    const third = await submit({
      jobName: "third",
      consumableResourcePropertiesOverride: { consumableResourceList: [] },
    });
    await forceStatus(t.db, [first.jobId], "RUNNING", { startedAt: BigInt(Date.now()) });

    const described = await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" });
    expect(described).toMatchObject({ totalQuantity: 3, inUseQuantity: 2, availableQuantity: 1 });
    expect((await call(ctx, "ListConsumableResources", {})).consumableResources[0].inUseQuantity).toBe(2);

    // What the engine's pass reads: requirements of its candidates and what is left.
    const requirements = await readJobRequirements(t.db, [second.jobId, third.jobId]);
    expect([...requirements.keys()]).toEqual([second.jobId]);
    const resourceId = requirements.get(second.jobId)![0]!.resourceId;
    const quantities = await readConsumableQuantities(t.db, [resourceId]);
    expect(quantities.get(resourceId)).toMatchObject({ totalQuantity: 3, inUseQuantity: 2, availableQuantity: 1 });

    const listed = await call(ctx, "ListJobsByConsumableResource", { consumableResource: "seats" });
    expect(listed.jobs.map((j: { jobName: string }) => j.jobName)).toEqual(["Second", "first"]);
    expect(listed.jobs[1]).toMatchObject({
      jobArn: `arn:aws:batch:us-east-1:${accountId}:job/${first.jobId}`,
      jobQueueArn: expect.stringContaining(":job-queue/q"),
      jobDefinitionArn: expect.stringContaining(":job-definition/licensed:1"),
      jobStatus: "RUNNING",
      quantity: 2,
      startedAt: expect.any(Number),
      createdAt: expect.any(Number),
      consumableResourceProperties: {
        consumableResourceList: [{ consumableResource: consumableResourceArn(accountId, "seats"), quantity: 2 }],
      },
    });
    const page1 = await call(ctx, "ListJobsByConsumableResource", { consumableResource: "seats", maxResults: 1 });
    expect(page1.jobs).toHaveLength(1);
    const page2 = await call(ctx, "ListJobsByConsumableResource", {
      consumableResource: "seats",
      maxResults: 1,
      nextToken: page1.nextToken,
    });
    expect([page1.jobs[0].jobName, page2.jobs[0].jobName]).toEqual(["Second", "first"]);
    expect(page2.nextToken).toBeUndefined();
    const byFilter = async (filters: unknown[]) =>
      (await call(ctx, "ListJobsByConsumableResource", { consumableResource: "seats", filters })).jobs.map(
        (j: { jobName: string }) => j.jobName,
      );
    expect(await byFilter([{ name: "JOB_STATUS", values: ["RUNNING"] }])).toEqual(["first"]);
    expect(await byFilter([{ name: "JOB_NAME", values: ["sec*"] }])).toEqual(["Second"]);
    expect(
      await byFilter([
        { name: "JOB_STATUS", values: ["RUNNABLE", "RUNNING"] },
        { name: "JOB_NAME", values: ["FIRST"] },
      ]),
    ).toEqual(["first"]);

    // "Why isn't it running": the seats, by name, with what it asks and what is left.
    const why = await explainJob(ctx, { jobId: second.jobId });
    expect(why.reasons).toContainEqual({ kind: "CONSUMABLE_RESOURCE", resource: "seats", requested: 2, available: 1 });
    expect(why.reasons.map((r) => r.kind)).not.toContain("NEXT");
    expect((await explainJob(ctx, { jobId: third.jobId })).reasons.map((r) => r.kind)).not.toContain(
      "CONSUMABLE_RESOURCE",
    );

    await expect(call(ctx, "DeleteConsumableResource", { consumableResource: "seats" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("unfinished jobs require it"),
    });
    // Ended jobs give their quantity back, and no longer hold the resource.
    await forceStatus(t.db, [first.jobId, second.jobId], "SUCCEEDED");
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" })).toMatchObject({
      inUseQuantity: 0,
      availableQuantity: 3,
    });
    await call(ctx, "DeleteConsumableResource", { consumableResource: "seats" });
    // The finished jobs keep their list.
    const { jobs } = await call(ctx, "DescribeJobs", { jobs: [first.jobId] });
    expect(jobs[0].consumableResourceProperties.consumableResourceList).toHaveLength(1);
  });

  it("takes a NON_REPLENISHABLE resource's quantity from its total when a job is claimed, for good", async () => {
    const { ctx, organizationId } = await newOrg();
    await call(ctx, "CreateConsumableResource", {
      consumableResourceName: "credits",
      totalQuantity: 5,
      resourceType: "NON_REPLENISHABLE",
    });
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 5 });
    const submit = await withJobs(ctx, organizationId, [
      { consumableResource: "credits", quantity: 2 },
      { consumableResource: "seats", quantity: 2 },
    ]);
    const a = await submit();
    const b = await submit();
    // As engine/scheduler.ts's claim does: the move and the decrement in one transaction.
    await directTransaction(t.db, async (tx) => {
      await tx.$executeRaw`UPDATE "Job" SET "status" = 'STARTING' WHERE "id" IN (${a.jobId}, ${b.jobId})`;
      await consumeNonReplenishable(tx, [a.jobId, b.jobId]);
    });
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: "credits" })).toMatchObject({
      totalQuantity: 1,
      inUseQuantity: 4,
      availableQuantity: 1,
      resourceType: "NON_REPLENISHABLE",
    });
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" })).toMatchObject({
      totalQuantity: 5,
      inUseQuantity: 4,
      availableQuantity: 1,
    });
    await forceStatus(t.db, [a.jobId, b.jobId], "SUCCEEDED");
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: "credits" })).toMatchObject({
      totalQuantity: 1,
      inUseQuantity: 0,
      availableQuantity: 1,
    });
    expect(await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" })).toMatchObject({
      totalQuantity: 5,
      availableQuantity: 5,
    });
    // Never below zero, even when the total was lowered since the pass read it.
    await call(ctx, "UpdateConsumableResource", { consumableResource: "credits", quantity: 0 });
    await directTransaction(t.db, (tx) => consumeNonReplenishable(tx, [a.jobId]));
    expect((await call(ctx, "DescribeConsumableResource", { consumableResource: "credits" })).totalQuantity).toBe(0);
  });

  it("applies an update with a clientToken once, and refuses the token for another request", async () => {
    const { ctx } = await newOrg();
    await call(ctx, "CreateConsumableResource", { consumableResourceName: "seats", totalQuantity: 1 });
    const add = { consumableResource: "seats", operation: "ADD", quantity: 2, clientToken: "retry-1" };
    expect((await call(ctx, "UpdateConsumableResource", add)).totalQuantity).toBe(3);
    expect((await call(ctx, "UpdateConsumableResource", add)).totalQuantity).toBe(3);
    expect((await call(ctx, "DescribeConsumableResource", { consumableResource: "seats" })).totalQuantity).toBe(3);
    await expect(call(ctx, "UpdateConsumableResource", { ...add, quantity: 5 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("different request"),
    });
    expect((await call(ctx, "UpdateConsumableResource", { ...add, clientToken: "retry-2" })).totalQuantity).toBe(5);
  });

  it("tags a consumable resource by ARN", async () => {
    const { ctx, accountId, as } = await newOrg();
    await call(ctx, "CreateConsumableResource", {
      consumableResourceName: "seats",
      totalQuantity: 1,
      tags: { a: "1" },
    });
    const resourceArn = consumableResourceArn(accountId, "seats");
    await call(ctx, "TagResource", { resourceArn, tags: { b: "2" } });
    expect(await call(ctx, "ListTagsForResource", { resourceArn })).toEqual({ tags: { a: "1", b: "2" } });
    const submitter = await as("submitter");
    await expect(call(submitter, "TagResource", { resourceArn, tags: { c: "3" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

// The queue and definition lookups every SubmitJob makes are raw statements
// (lib/resources/job-queues/resolve-job-queue.ts, lib/resources/job-definitions/
// resolve-job-definition.ts): the rows they return must be exactly what Prisma returns for the
// same row, dates, nulls and booleans included, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobDefinitionArn, jobQueueArn } from "@/lib/batch/arn";
import { newId } from "@/lib/ids";
import { accountIdOf } from "@/lib/resources/account";
import { resolveJobDefinition } from "@/lib/resources/job-definitions/resolve-job-definition";
import { resolveJobQueue } from "@/lib/resources/job-queues/resolve-job-queue";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { seedEngineWorld } from "../helpers/engine-fixtures";

describe.each(PROVIDERS)("queue and definition lookups on %s", (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("returns the queue Prisma reads, by name and by ARN, and never a deleted one", async () => {
    const world = await seedEngineWorld(t.db, {
      queuePatch: { statusReason: "because", schedulingPolicyId: null, tags: '{"team":"a"}' },
    });
    const accountId = await accountIdOf(t.db, world.organizationId);
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    expect(await resolveJobQueue(t.db, world.organizationId, queue.name)).toEqual(queue);
    expect(await resolveJobQueue(t.db, world.organizationId, queue.arn)).toEqual(queue);

    // Deleted: the row stays (its jobs point at it) but its name no longer finds it.
    const deletedAt = new Date(Date.now() - 60_000);
    await t.db.jobQueue.update({ where: { id: world.queueId }, data: { liveName: null, deletedAt } });
    await expect(resolveJobQueue(t.db, world.organizationId, queue.name)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${jobQueueArn(accountId, queue.name)} does not exist`,
    });

    // Another organization's queue by its ARN reads as not there.
    const other = await seedEngineWorld(t.db);
    const theirs = await t.db.jobQueue.findUniqueOrThrow({ where: { id: other.queueId } });
    await expect(resolveJobQueue(t.db, world.organizationId, theirs.arn)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("returns the definition Prisma reads: latest ACTIVE revision by name, a named revision whatever its status", async () => {
    const world = await seedEngineWorld(t.db);
    const accountId = await accountIdOf(t.db, world.organizationId);
    const first = await t.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } });
    const revision = (n: number, data: { status?: string; propagateTags?: boolean; schedulingPriority?: number }) =>
      t.db.jobDefinition.create({
        data: {
          id: newId(),
          organizationId: world.organizationId,
          name: first.name,
          revision: n,
          arn: jobDefinitionArn(accountId, first.name, n),
          retryStrategy: '{"attempts":2}',
          ...data,
        },
      });
    const second = await revision(2, { propagateTags: true, schedulingPriority: 7 });
    const third = await revision(3, { status: "INACTIVE", propagateTags: false });

    const org = world.organizationId;
    expect(await resolveJobDefinition(t.db, org, first.name)).toEqual(second);
    expect(await resolveJobDefinition(t.db, org, `${first.name}:1`)).toEqual(first);
    expect(await resolveJobDefinition(t.db, org, `${first.name}:3`)).toEqual(third);
    expect(await resolveJobDefinition(t.db, org, second.arn)).toEqual(second);
    expect((await resolveJobDefinition(t.db, org, first.name)).propagateTags).toBe(true);
    expect((await resolveJobDefinition(t.db, org, `${first.name}:1`)).propagateTags).toBe(false);

    await expect(resolveJobDefinition(t.db, org, `${first.name}:4`)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${jobDefinitionArn(accountId, first.name, 4)} does not exist`,
    });
    await t.db.jobDefinition.updateMany({
      where: { organizationId: org, name: first.name },
      data: { status: "INACTIVE" },
    });
    await expect(resolveJobDefinition(t.db, org, first.name)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

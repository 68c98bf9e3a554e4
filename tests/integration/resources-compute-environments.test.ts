import { availableParallelism, totalmem } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "@/app/(console)/compute-environments/actions";
import { actionRegistry } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation, parseInput } from "@/lib/auth/operation";
import { computeEnvironmentArn } from "@/lib/batch/arn";
import { executorPolicyOf } from "@/lib/batch/executor-policy";
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
import { createJobQueue, createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import { updateJobQueue, updateJobQueueInput } from "@/lib/resources/job-queues/update-job-queue";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const createCe = async (ctx: OrgContext, raw: unknown) =>
  createComputeEnvironment(ctx, parseInput(createComputeEnvironmentInput, raw));
const describeCes = async (ctx: OrgContext, raw: unknown = {}) =>
  describeComputeEnvironments(ctx, parseInput(describeComputeEnvironmentsInput, raw));
const updateCe = async (ctx: OrgContext, raw: unknown) =>
  updateComputeEnvironment(ctx, parseInput(updateComputeEnvironmentInput, raw));
const deleteCe = async (ctx: OrgContext, raw: unknown) =>
  deleteComputeEnvironment(ctx, parseInput(deleteComputeEnvironmentInput, raw));

describe.each(PROVIDERS)("compute environments on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newOrg(name = "Acme") {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const org = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    return { ctx: contextFor(t.db, organizationId, admin, "admin"), accountId: org.accountId, organizationId };
  }

  it("creates MANAGED and UNMANAGED environments as slices of the host", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const created = await createCe(ctx, {
      computeEnvironmentName: "managed",
      type: "MANAGED",
      computeResources: { type: "EC2", minvCpus: 0, maxvCpus: 3, subnets: ["subnet-1"], instanceTypes: ["optimal"] },
      serviceRole: "arn:aws:iam::123456789012:role/svc",
      tags: { "batchdeck:memoryMiB": "1024", "batchdeck:gpuIds": "0,1", team: "x" },
    });
    expect(created).toEqual({
      computeEnvironmentName: "managed",
      computeEnvironmentArn: computeEnvironmentArn(accountId, "managed"),
    });
    await createCe(ctx, { computeEnvironmentName: "unmanaged", type: "UNMANAGED", unmanagedvCpus: 2 });
    await createCe(ctx, { computeEnvironmentName: "defaults", type: "MANAGED" });

    const rows = await t.db.computeEnvironment.findMany({ where: { organizationId }, orderBy: { name: "asc" } });
    expect(rows.map((r) => [r.name, r.maxVcpus, r.memoryMiB, JSON.parse(r.gpuIds)])).toEqual([
      ["defaults", availableParallelism(), Math.floor(totalmem() / 1048576), []],
      ["managed", 3, 1024, ["0", "1"]],
      ["unmanaged", 2, Math.floor(totalmem() / 1048576), []],
    ]);

    const { computeEnvironments } = await describeCes(ctx, { computeEnvironments: ["managed"] });
    expect(computeEnvironments).toEqual([
      {
        computeEnvironmentName: "managed",
        computeEnvironmentArn: computeEnvironmentArn(accountId, "managed"),
        uuid: rows[1]?.id,
        type: "MANAGED",
        state: "ENABLED",
        status: "VALID",
        computeResources: { type: "EC2", minvCpus: 0, maxvCpus: 3, subnets: ["subnet-1"], instanceTypes: ["optimal"] },
        serviceRole: "arn:aws:iam::123456789012:role/svc",
        containerOrchestrationType: "ECS",
        tags: { "batchdeck:memoryMiB": "1024", "batchdeck:gpuIds": "0,1", team: "x" },
      },
    ]);

    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "computeEnvironment.create" } });
    expect(audit.map((a) => a.targetId).sort()).toEqual(
      ["defaults", "managed", "unmanaged"].map((n) => computeEnvironmentArn(accountId, n)),
    );
  });

  it("refuses duplicates, bad names, unknown enums and the 50-environment quota", async () => {
    const { ctx, organizationId } = await newOrg();
    await createCe(ctx, { computeEnvironmentName: "dup", type: "MANAGED" });
    await expect(createCe(ctx, { computeEnvironmentName: "dup", type: "UNMANAGED" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("already exists"),
    });
    await expect(createCe(ctx, { computeEnvironmentName: "no way", type: "MANAGED" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("computeEnvironmentName can contain only letters"),
    });
    await expect(createCe(ctx, { computeEnvironmentName: "e", type: "SERVERLESS" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("Member must satisfy enum value set: [MANAGED, UNMANAGED]"),
    });
    for (let i = 1; i < 50; i++) await createCe(ctx, { computeEnvironmentName: `ce${i}`, type: "MANAGED" });
    await expect(createCe(ctx, { computeEnvironmentName: "one-too-many", type: "MANAGED" })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    expect(await t.db.computeEnvironment.count({ where: { organizationId } })).toBe(50);
  });

  it("describes by name or ARN, leaves unknown ones out and pages without gaps or repeats", async () => {
    const { ctx, accountId } = await newOrg();
    for (const n of ["e", "c", "a", "d", "b"]) await createCe(ctx, { computeEnvironmentName: n, type: "MANAGED" });
    const some = await describeCes(ctx, {
      computeEnvironments: [
        "a",
        computeEnvironmentArn(accountId, "c"),
        "missing",
        computeEnvironmentArn("999999999999", "b"),
      ],
    });
    expect(some.computeEnvironments.map((c) => c.computeEnvironmentName)).toEqual(["a", "c"]);

    const seen: unknown[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const p = await describeCes(ctx, { maxResults: 2, ...(nextToken ? { nextToken } : {}) });
      seen.push(...p.computeEnvironments.map((c) => c.computeEnvironmentName));
      nextToken = p.nextToken;
      pages++;
    } while (nextToken);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(pages).toBe(3);

    await expect(describeCes(ctx, { nextToken: "garbage" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(describeCes(ctx, { maxResults: 101 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(describeCes(ctx, { computeEnvironments: Array(101).fill("a") })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("updates state and capacity, keeping the fields an update leaves out", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createCe(ctx, {
      computeEnvironmentName: "ce",
      type: "MANAGED",
      computeResources: { type: "EC2", minvCpus: 0, maxvCpus: 4, desiredvCpus: 2, subnets: ["s-1"] },
    });
    const out = await updateCe(ctx, {
      computeEnvironment: computeEnvironmentArn(accountId, "ce"),
      state: "DISABLED",
      computeResources: { maxvCpus: 6 },
      serviceRole: "role",
    });
    expect(out.computeEnvironmentName).toBe("ce");
    const row = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId, name: "ce" } });
    expect(row.state).toBe("DISABLED");
    expect(row.maxVcpus).toBe(6);
    expect(JSON.parse(row.spec)).toEqual({
      computeResources: { type: "EC2", minvCpus: 0, maxvCpus: 6, desiredvCpus: 2, subnets: ["s-1"] },
      serviceRole: "role",
    });

    await expect(
      updateCe(ctx, { computeEnvironment: "ce", computeResources: { desiredvCpus: 1 } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("Manually scaling down compute environment is not supported"),
    });
    await expect(updateCe(ctx, { computeEnvironment: "ce", computeResources: { minvCpus: 8 } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("minvCpus (8) must not be greater than maxvCpus (6)"),
    });
    await expect(updateCe(ctx, { computeEnvironment: "ce", unmanagedvCpus: 2 })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(updateCe(ctx, { computeEnvironment: "nope", state: "ENABLED" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${computeEnvironmentArn(accountId, "nope")} does not exist`,
    });
    await createCe(ctx, { computeEnvironmentName: "um", type: "UNMANAGED", unmanagedvCpus: 1 });
    await updateCe(ctx, { computeEnvironment: "um", unmanagedvCpus: 5 });
    expect((await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId, name: "um" } })).maxVcpus).toBe(
      5,
    );
    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "computeEnvironment.update" } });
    expect(audit).toHaveLength(2);
  });

  it("takes the executor policy from tags and refuses bad values at create and in the console's edit", async () => {
    const { ctx, organizationId } = await newOrg();
    const policyTags = {
      "batchdeck:executor": "container",
      "batchdeck:allowPrivileged": "true",
      "batchdeck:hostPaths": "/srv/data/,/scratch",
      "batchdeck:devices": "/dev/fuse",
      "batchdeck:pidsLimit": "4096",
      "batchdeck:diskMiB": "0",
      "batchdeck:network": "none",
    };
    await createCe(ctx, { computeEnvironmentName: "ce", type: "MANAGED", tags: policyTags });
    const row = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId, name: "ce" } });
    expect(executorPolicyOf(JSON.parse(row.tags))).toEqual({
      executor: "container",
      allowPrivileged: true,
      hostPaths: ["/srv/data", "/scratch"],
      devices: ["/dev/fuse"],
      pidsLimit: 4096,
      diskMiB: null,
      network: "none",
    });

    const bad: [Record<string, string>, string][] = [
      [{ "batchdeck:executor": "docker" }, "Tag batchdeck:executor must be container or process"],
      [{ "batchdeck:allowPrivileged": "yes" }, "Tag batchdeck:allowPrivileged must be true or false"],
      [{ "batchdeck:hostPaths": "/srv/../etc" }, "Tag batchdeck:hostPaths must be a comma-separated list"],
      [{ "batchdeck:hostPaths": "/" }, "would let jobs mount the whole host"],
      [{ "batchdeck:devices": "/etc/shadow" }, "is not a device path under /dev/"],
      [{ "batchdeck:pidsLimit": "8" }, "Tag batchdeck:pidsLimit must be a whole number from 16 to 1,000,000"],
      [{ "batchdeck:diskMiB": "lots" }, "Tag batchdeck:diskMiB must be a whole number of MiB"],
      [{ "batchdeck:network": "host" }, "Tag batchdeck:network can't be host"],
    ];
    const edit = actionRegistry.get("computeEnvironments.update")!;
    for (const [tags, message] of bad) {
      await expect(createCe(ctx, { computeEnvironmentName: "bad", type: "MANAGED", tags })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringContaining(message),
      });
      await expect(executeOperation(edit, ctx, { computeEnvironment: "ce", tags })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringContaining(message),
      });
    }
    expect(await t.db.computeEnvironment.count({ where: { organizationId, name: "bad" } })).toBe(0);
    const after = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId, name: "ce" } });
    expect(JSON.parse(after.tags)).toEqual(policyTags);
  });

  it("deletes only a DISABLED environment that no queue uses and no job runs on", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    await createCe(ctx, { computeEnvironmentName: "a", type: "MANAGED" });
    await createCe(ctx, { computeEnvironmentName: "b", type: "MANAGED" });
    await createJobQueue(
      ctx,
      parseInput(createJobQueueInput, {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "a" }],
      }),
    );
    await expect(deleteCe(ctx, { computeEnvironment: "a" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("DISABLED first"),
    });
    await updateCe(ctx, { computeEnvironment: "a", state: "DISABLED" });
    await expect(deleteCe(ctx, { computeEnvironment: "a" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("Cannot delete, found existing JobQueue relationship"),
    });
    await updateJobQueue(
      ctx,
      parseInput(updateJobQueueInput, {
        jobQueue: "q",
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "b" }],
      }),
    );

    // A job still running on the environment keeps it.
    const ce = await t.db.computeEnvironment.findFirstOrThrow({ where: { organizationId, name: "a" } });
    const queue = await t.db.jobQueue.findFirstOrThrow({ where: { organizationId, name: "q" } });
    const def = await t.db.jobDefinition.create({
      data: { id: "def-ce", organizationId, name: "d", revision: 1, arn: `arn:d:${organizationId}` },
    });
    const now = BigInt(Date.now());
    await t.db.job.create({
      data: {
        id: `job-${organizationId}`,
        organizationId,
        name: "j",
        jobQueueId: queue.id,
        jobDefinitionId: def.id,
        status: "RUNNING",
        createdAt: now,
        updatedAt: now,
        computeEnvironmentId: ce.id,
      },
    });
    await expect(deleteCe(ctx, { computeEnvironment: "a" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("still starting or running"),
    });
    await t.db.job.update({ where: { id: `job-${organizationId}` }, data: { status: "SUCCEEDED" } });

    expect(await deleteCe(ctx, { computeEnvironment: computeEnvironmentArn(accountId, "a") })).toEqual({});
    expect(await t.db.computeEnvironment.count({ where: { organizationId, name: "a" } })).toBe(0);
    await expect(deleteCe(ctx, { computeEnvironment: "a" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const audit = await t.db.auditEvent.findFirst({ where: { organizationId, action: "computeEnvironment.delete" } });
    expect(audit?.targetId).toBe(computeEnvironmentArn(accountId, "a"));
  });
  it("gives a new environment the leading engine's machine by default, not the web server's", async () => {
    const { ctx } = await newOrg("Engine elsewhere");
    // The leader publishes its machine with its heartbeat (engine/stats.ts): 3 cores × 2.
    const host = { cores: 3, overcommit: 2, vcpus: 6, memoryMiB: 12_345 };
    const now = Date.now();
    await t.db.engineLease.create({
      data: {
        name: "leader",
        holder: "engine-elsewhere",
        acquiredAt: now,
        heartbeatAt: now,
        expiresAt: now + 60_000,
        stats: JSON.stringify({
          engineId: "engine-elsewhere",
          startedAt: now,
          schedulingLatencySeconds: { buckets: [], counts: [], sum: 0, count: 0 },
          passDurationSeconds: { buckets: [], counts: [], sum: 0, count: 0 },
          jobsStarted: 0,
          logBytes: 0,
          logChunks: 0,
          host,
        }),
      },
    });
    try {
      await createCe(ctx, { computeEnvironmentName: "engine-sized", type: "UNMANAGED" });
      const row = await t.db.computeEnvironment.findFirstOrThrow({
        where: { organizationId: ctx.organizationId, name: "engine-sized" },
      });
      expect([row.maxVcpus, row.memoryMiB]).toEqual([6, 12_345]);
    } finally {
      await t.db.engineLease.delete({ where: { name: "leader" } });
    }
  });
});

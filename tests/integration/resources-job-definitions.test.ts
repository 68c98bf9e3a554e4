import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { jobDefinitionArn } from "@/lib/batch/arn";
import { createDb } from "@/lib/db";
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
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

const register = async (ctx: OrgContext, raw: unknown) =>
  registerJobDefinition(ctx, parseInput(registerJobDefinitionInput, raw));
const describeDefs = async (ctx: OrgContext, raw: unknown = {}) =>
  describeJobDefinitions(ctx, parseInput(describeJobDefinitionsInput, raw));
const deregister = async (ctx: OrgContext, raw: unknown) =>
  deregisterJobDefinition(ctx, parseInput(deregisterJobDefinitionInput, raw));

const container = {
  image: "busybox",
  command: ["echo", "Ref::msg"],
  resourceRequirements: [{ type: "VCPU", value: "1" }],
};
const def = (name: string, extra: Record<string, unknown> = {}) => ({
  jobDefinitionName: name,
  type: "container",
  containerProperties: container,
  ...extra,
});

describe.each(PROVIDERS)("job definitions on %s", (provider) => {
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
    return { ctx: contextFor(t.db, organizationId, admin, "developer"), accountId: org.accountId, organizationId };
  }

  it("registers new revisions and describes them in AWS's shape", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    const first = await register(
      ctx,
      def("d", {
        parameters: { msg: "hi" },
        retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "137", action: "exit" }] },
        timeout: { attemptDurationSeconds: 120 },
        schedulingPriority: 7,
        propagateTags: true,
        tags: { team: "x" },
        platformCapabilities: ["EC2"],
        consumableResourceProperties: { consumableResourceList: [] },
      }),
    );
    expect(first).toEqual({
      jobDefinitionName: "d",
      jobDefinitionArn: jobDefinitionArn(accountId, "d", 1),
      revision: 1,
    });
    expect((await register(ctx, def("d"))).revision).toBe(2);
    expect((await register(ctx, def("other"))).revision).toBe(1);

    const { jobDefinitions } = await describeDefs(ctx, { jobDefinitions: ["d:1"] });
    expect(jobDefinitions).toEqual([
      {
        jobDefinitionName: "d",
        jobDefinitionArn: jobDefinitionArn(accountId, "d", 1),
        revision: 1,
        status: "ACTIVE",
        type: "container",
        parameters: { msg: "hi" },
        retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "137", action: "EXIT" }] },
        containerProperties: container,
        timeout: { attemptDurationSeconds: 120 },
        schedulingPriority: 7,
        propagateTags: true,
        platformCapabilities: ["EC2"],
        containerOrchestrationType: "ECS",
        consumableResourceProperties: { consumableResourceList: [] },
        tags: { team: "x" },
      },
    ]);
    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "jobDefinition.register" } });
    expect(audit).toHaveLength(3);
  });

  it("never hands out the same revision twice, even to concurrent registrations from separate connections", async () => {
    const { ctx, organizationId } = await newOrg();
    // better-sqlite3 waits for a lock synchronously, so two SQLite connections in one process
    // would block each other's event loop; there, the concurrent calls share one client.
    const other = provider === "postgresql" ? createDb(t.url) : t.db;
    try {
      const ctx2 = { ...ctx, db: other };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => register(i % 2 ? ctx : ctx2, def("race"))),
      );
      expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await t.db.jobDefinition.count({ where: { organizationId, name: "race" } })).toBe(12);
    } finally {
      if (other !== t.db) await other.$disconnect();
    }
  });

  it("describes by list, by name and status, and pages by name then revision", async () => {
    const { ctx, accountId } = await newOrg();
    for (const n of ["b", "a", "b", "c", "a", "b"]) await register(ctx, def(n));
    await deregister(ctx, { jobDefinition: "b:2" });

    const names = (r: Awaited<ReturnType<typeof describeDefs>>) =>
      r.jobDefinitions.map((d) => `${d.jobDefinitionName}:${d.revision}`);
    expect(
      names(await describeDefs(ctx, { jobDefinitions: ["a:2", jobDefinitionArn(accountId, "b", 3), "c", "zzz:1"] })),
    ).toEqual(["a:2", "b:3", "c:1"]);
    expect(names(await describeDefs(ctx, { jobDefinitionName: "b" }))).toEqual(["b:1", "b:2", "b:3"]);
    expect(names(await describeDefs(ctx, { jobDefinitionName: "b", status: "ACTIVE" }))).toEqual(["b:1", "b:3"]);
    expect(names(await describeDefs(ctx, { status: "INACTIVE" }))).toEqual(["b:2"]);
    expect(names(await describeDefs(ctx, { jobDefinitions: [jobDefinitionArn("999999999999", "a", 1)] }))).toEqual([]);

    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await describeDefs(ctx, { maxResults: 4, ...(nextToken ? { nextToken } : {}) });
      all.push(...names(page));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(all).toEqual(["a:1", "a:2", "b:1", "b:2", "b:3", "c:1"]);
    await expect(describeDefs(ctx, { jobDefinitions: ["a:1"], status: "ACTIVE" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("deregisters a revision (idempotently), and resolves refs to the latest ACTIVE revision", async () => {
    const { ctx, accountId, organizationId } = await newOrg();
    for (let i = 0; i < 3; i++) await register(ctx, def("d"));
    expect(await deregister(ctx, { jobDefinition: jobDefinitionArn(accountId, "d", 3) })).toEqual({});
    expect(await deregister(ctx, { jobDefinition: "d:3" })).toEqual({});
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "jobDefinition.deregister" } })).toBe(1);

    expect((await resolveJobDefinition(t.db, organizationId, "d")).revision).toBe(2);
    expect(
      (await resolveJobDefinition(t.db, organizationId, jobDefinitionArn(accountId, "d", 1).replace(/:1$/, "")))
        .revision,
    ).toBe(2);
    expect((await resolveJobDefinition(t.db, organizationId, "d:3")).status).toBe("INACTIVE");
    expect((await resolveJobDefinition(t.db, organizationId, jobDefinitionArn(accountId, "d", 1))).revision).toBe(1);
    await expect(resolveJobDefinition(t.db, organizationId, "d:9")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `${jobDefinitionArn(accountId, "d", 9)} does not exist`,
    });
    await expect(resolveJobDefinition(t.db, organizationId, "d:x")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(resolveJobDefinition(t.db, organizationId, "ghost")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      resolveJobDefinition(t.db, organizationId, jobDefinitionArn("000000000000", "d", 1)),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    await deregister(ctx, { jobDefinition: "d:1" });
    await deregister(ctx, { jobDefinition: "d:2" });
    await expect(resolveJobDefinition(t.db, organizationId, "d")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("no ACTIVE revision"),
    });
    await expect(deregister(ctx, { jobDefinition: "d" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("must name a revision"),
    });
    await expect(deregister(ctx, { jobDefinition: "d:99" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses invalid definitions and writes nothing", async () => {
    const { ctx, organizationId } = await newOrg();
    await expect(register(ctx, def("d", { retryStrategy: { attempts: 11 } }))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("between 1 and 10"),
    });
    await expect(register(ctx, def("d", { type: "multinode" }))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(register(ctx, def("bad:name"))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(register(ctx, def("d", { timeout: { attemptDurationSeconds: 10 } }))).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(await t.db.jobDefinition.count({ where: { organizationId } })).toBe(0);
  });
});

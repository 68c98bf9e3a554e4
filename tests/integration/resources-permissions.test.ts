import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { executeOperation, type Operation } from "@/lib/auth/operation";
import { can, ROLES } from "@/lib/auth/permissions";
import {
  computeEnvironmentArn,
  consumableResourceArn,
  jobArn,
  jobDefinitionArn,
  jobQueueArn,
  schedulingPolicyArn,
} from "@/lib/batch/arn";
import { RESOURCE_OPERATIONS, type ResourceOperationName } from "@/lib/resources/operations";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

type AnyOperation = Operation<z.ZodType, unknown>;

describe.each(PROVIDERS)("resource operation permissions on %s", (provider) => {
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
    const users = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => {
          if (role === "admin") return [role, admin] as const;
          const user = await createUser(t.db, `${role}-${organizationId.slice(0, 8)}@example.com`);
          await addMembership(t.db, organizationId, user.id, role);
          return [role, user] as const;
        }),
      ),
    );
    const ctxOf = (role: (typeof ROLES)[number]) =>
      contextFor(t.db, organizationId, users[role] as { id: string; email: string }, role);
    return { organizationId, accountId, ctxOf, users };
  }

  it("allows each operation exactly to the roles that hold its permission", async () => {
    const { accountId, ctxOf } = await seed();
    const samples: Record<ResourceOperationName, unknown> = {
      CreateComputeEnvironment: { computeEnvironmentName: "ce", type: "MANAGED" },
      DescribeComputeEnvironments: {},
      UpdateComputeEnvironment: { computeEnvironment: "ghost" },
      DeleteComputeEnvironment: { computeEnvironment: "ghost" },
      CreateJobQueue: {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ghost" }],
      },
      DescribeJobQueues: {},
      UpdateJobQueue: { jobQueue: "ghost" },
      DeleteJobQueue: { jobQueue: "ghost" },
      CreateSchedulingPolicy: { name: "p" },
      DescribeSchedulingPolicies: { arns: [schedulingPolicyArn(accountId, "ghost")] },
      ListSchedulingPolicies: {},
      UpdateSchedulingPolicy: { arn: schedulingPolicyArn(accountId, "ghost") },
      DeleteSchedulingPolicy: { arn: schedulingPolicyArn(accountId, "ghost") },
      CreateConsumableResource: { consumableResourceName: "seats", totalQuantity: 1 },
      DescribeConsumableResource: { consumableResource: consumableResourceArn(accountId, "ghost") },
      ListConsumableResources: {},
      UpdateConsumableResource: { consumableResource: "ghost", quantity: 1 },
      DeleteConsumableResource: { consumableResource: "ghost" },
      ListJobsByConsumableResource: { consumableResource: "ghost" },
      RegisterJobDefinition: { jobDefinitionName: "d", type: "container", containerProperties: { image: "x" } },
      DescribeJobDefinitions: {},
      DeregisterJobDefinition: { jobDefinition: "ghost:1" },
      TagResource: { resourceArn: jobQueueArn(accountId, "ghost"), tags: { a: "b" } },
      UntagResource: { resourceArn: jobQueueArn(accountId, "ghost"), tagKeys: ["a"] },
      ListTagsForResource: { resourceArn: jobQueueArn(accountId, "ghost") },
    };
    for (const [name, operation] of Object.entries(RESOURCE_OPERATIONS)) {
      for (const role of ["submitter", "developer", "admin"] as const) {
        const outcome = await executeOperation(
          operation as AnyOperation,
          ctxOf(role),
          samples[name as ResourceOperationName],
        ).then(
          () => "ok",
          (e: { code?: string }) => e.code ?? "ERROR",
        );
        if (can(role, operation.permission)) expect([name, role, outcome]).not.toEqual([name, role, "FORBIDDEN"]);
        else expect([name, role, outcome]).toEqual([name, role, "FORBIDDEN"]);
      }
    }
  });

  it("lets only those who manage a resource change its tags", async () => {
    const { organizationId, accountId, ctxOf, users } = await seed();
    const admin = ctxOf("admin");
    const run = async (role: (typeof ROLES)[number], name: "TagResource" | "UntagResource", raw: unknown) =>
      executeOperation(RESOURCE_OPERATIONS[name] as AnyOperation, ctxOf(role), raw).then(
        () => "ok",
        (e: { code?: string }) => e.code ?? "ERROR",
      );
    await executeOperation(RESOURCE_OPERATIONS.CreateComputeEnvironment, admin, {
      computeEnvironmentName: "ce",
      type: "MANAGED",
    });
    await executeOperation(RESOURCE_OPERATIONS.CreateSchedulingPolicy, admin, { name: "p" });
    await executeOperation(RESOURCE_OPERATIONS.CreateJobQueue, admin, {
      jobQueueName: "q",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
    });
    await executeOperation(RESOURCE_OPERATIONS.RegisterJobDefinition, admin, {
      jobDefinitionName: "d",
      type: "container",
      containerProperties: { image: "x" },
    });
    const queue = await t.db.jobQueue.findFirstOrThrow({ where: { organizationId } });
    const definition = await t.db.jobDefinition.findFirstOrThrow({ where: { organizationId } });
    const now = BigInt(Date.now());
    const job = (id: string, submittedById: string) =>
      t.db.job.create({
        data: {
          id,
          organizationId,
          name: id,
          jobQueueId: queue.id,
          jobDefinitionId: definition.id,
          status: "RUNNABLE",
          createdAt: now,
          updatedAt: now,
          submittedById,
        },
      });
    await job(`own-${organizationId}`, users.submitter?.id ?? "");
    await job(`other-${organizationId}`, users.admin?.id ?? "");

    const tags = (resourceArn: string) => ({ resourceArn, tags: { a: "b" } });
    const table: [string, (typeof ROLES)[number], string][] = [
      [computeEnvironmentArn(accountId, "ce"), "developer", "FORBIDDEN"],
      [computeEnvironmentArn(accountId, "ce"), "admin", "ok"],
      [jobQueueArn(accountId, "q"), "developer", "FORBIDDEN"],
      [schedulingPolicyArn(accountId, "p"), "developer", "FORBIDDEN"],
      [jobDefinitionArn(accountId, "d", 1), "submitter", "FORBIDDEN"],
      [jobDefinitionArn(accountId, "d", 1), "developer", "ok"],
      [jobArn(accountId, `own-${organizationId}`), "submitter", "ok"],
      [jobArn(accountId, `other-${organizationId}`), "submitter", "FORBIDDEN"],
      [jobArn(accountId, `other-${organizationId}`), "developer", "ok"],
    ];
    for (const [arn, role, expected] of table) {
      expect([arn, role, await run(role, "TagResource", tags(arn))]).toEqual([arn, role, expected]);
      expect([arn, role, await run(role, "UntagResource", { resourceArn: arn, tagKeys: ["a"] })]).toEqual([
        arn,
        role,
        expected,
      ]);
    }
  });
});

// The resource pages' server actions, walked for every role: each names the permission of
// DESIGN.md's role table for what it changes, and the server refuses every role without it
// before touching anything (the buttons being hidden is not the check).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "@/app/(console)/compute-environments/actions";
import "@/app/(console)/consumable-resources/actions";
import "@/app/(console)/job-definitions/actions";
import "@/app/(console)/job-queues/actions";
import "@/app/(console)/scheduling-policies/actions";
import { actionRegistry } from "@/lib/auth/action";
import { executeOperation } from "@/lib/auth/operation";
import { can, ROLES } from "@/lib/auth/permissions";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

const EXPECTED = {
  "computeEnvironments.create": ["computeEnvironments.manage", { computeEnvironmentName: "ce", type: "UNMANAGED" }],
  "computeEnvironments.update": ["computeEnvironments.manage", { computeEnvironment: "ghost", state: "DISABLED" }],
  "computeEnvironments.delete": ["computeEnvironments.manage", { computeEnvironment: "ghost" }],
  "jobQueues.create": [
    "jobQueues.manage",
    { jobQueueName: "q", priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ghost" }] },
  ],
  "jobQueues.update": ["jobQueues.manage", { jobQueue: "ghost", state: "DISABLED" }],
  "jobQueues.delete": ["jobQueues.manage", { jobQueue: "ghost" }],
  "schedulingPolicies.create": ["schedulingPolicies.manage", { name: "p", fairsharePolicy: {} }],
  "schedulingPolicies.update": [
    "schedulingPolicies.manage",
    { arn: "arn:aws:batch:us-east-1:000000000000:scheduling-policy/ghost" },
  ],
  "schedulingPolicies.delete": [
    "schedulingPolicies.manage",
    { arn: "arn:aws:batch:us-east-1:000000000000:scheduling-policy/ghost" },
  ],
  "consumableResources.create": ["consumableResources.manage", { consumableResourceName: "seats", totalQuantity: 1 }],
  "consumableResources.update": ["consumableResources.manage", { consumableResource: "ghost", quantity: 1 }],
  "consumableResources.delete": ["consumableResources.manage", { consumableResource: "ghost" }],
  "jobDefinitions.register": [
    "jobDefinitions.manage",
    { jobDefinitionName: "d", type: "container", containerProperties: { image: "x" } },
  ],
  "jobDefinitions.deregister": ["jobDefinitions.manage", { jobDefinition: "ghost:1" }],
} as const;

describe.each(PROVIDERS)("resource server actions by role on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("name the role table's permission for what they change", () => {
    for (const [name, [permission]] of Object.entries(EXPECTED)) {
      expect([name, actionRegistry.get(name)?.permission]).toEqual([name, permission]);
    }
  });

  it("refuse exactly the roles without that permission", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    for (const [name, [permission, sample]] of Object.entries(EXPECTED)) {
      const def = actionRegistry.get(name)!;
      for (const role of ROLES) {
        const user = role === "admin" ? admin : await createUser(t.db, `${role}-${crypto.randomUUID()}@example.com`);
        if (role !== "admin") await addMembership(t.db, organizationId, user.id, role);
        const outcome = await executeOperation(def, contextFor(t.db, organizationId, user, role), sample).then(
          () => "ran",
          (e: { code?: string }) => e.code ?? "ran",
        );
        // Allowed callers get past the check (then the backend answers, or revalidation needs a
        // Next.js request this test does not have); nobody else gets further than FORBIDDEN.
        if (can(role, permission)) expect([name, role, outcome]).not.toEqual([name, role, "FORBIDDEN"]);
        else expect([name, role, outcome]).toEqual([name, role, "FORBIDDEN"]);
      }
    }
    // Refused calls changed nothing: the only environment is the one the admin created.
    expect((await t.db.computeEnvironment.findMany({ where: { organizationId } })).map((c) => c.name)).toEqual(["ce"]);
  });
});

// The authorization matrix (DESIGN.md "Roles"): every server action and every /v1 operation,
// discovered from the code's own registries, called as each role. The expected roles below are
// written from DESIGN.md's table, not from lib/auth/permissions.ts, so a wrong permission on an
// action fails here; an action or operation without a row here fails too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_OPERATIONS } from "@/lib/api/operations";
import { runOperation } from "@/lib/api/v1-handler";
import { actionRegistry } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { executeOperatorAction, operatorActionRegistry } from "@/lib/auth/operator";
import type { Role } from "@/lib/auth/permissions";
import { publicActionRegistry } from "@/lib/auth/public-action";
import { AppError } from "@/lib/errors";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

// DESIGN.md's rows.
const EVERYONE: Role[] = ["admin", "developer", "submitter"]; // see everything; submit; own jobs and keys
const MANAGERS: Role[] = ["admin", "developer"]; // anyone's jobs; job definitions
const ADMIN: Role[] = ["admin"]; // environments, queues, policies, members, backend

const ACTIONS: Record<string, Role[]> = {
  "computeEnvironments.create": ADMIN,
  "computeEnvironments.update": ADMIN,
  "computeEnvironments.delete": ADMIN,
  "jobQueues.create": ADMIN,
  "jobQueues.update": ADMIN,
  "jobQueues.delete": ADMIN,
  "schedulingPolicies.create": ADMIN,
  "schedulingPolicies.update": ADMIN,
  "schedulingPolicies.delete": ADMIN,
  // Not a row of DESIGN.md's table: managed by those who manage job definitions (see OPERATIONS).
  "consumableResources.create": MANAGERS,
  "consumableResources.update": MANAGERS,
  "consumableResources.delete": MANAGERS,
  "schedules.create": MANAGERS,
  "schedules.setState": MANAGERS,
  "schedules.delete": MANAGERS,
  "schedules.runNow": MANAGERS,
  // Notifications: webhook endpoints and event rules, managed by those who manage schedules.
  "notifications.createEndpoint": MANAGERS,
  "notifications.rotateSecret": MANAGERS,
  "notifications.resumeEndpoint": MANAGERS,
  "notifications.deleteEndpoint": MANAGERS,
  "notifications.sendTestEvent": MANAGERS,
  "notifications.createRule": MANAGERS,
  "notifications.setRuleState": MANAGERS,
  "notifications.deleteRule": MANAGERS,
  "jobDefinitions.register": MANAGERS,
  "jobDefinitions.deregister": MANAGERS,
  "jobs.submit": EVERYONE,
  "jobs.resubmit": EVERYONE,
  "jobs.resubmitFailedChildren": EVERYONE,
  // Own jobs for everyone; whose jobs is checked per job inside (tests/integration/jobs-stop).
  "jobs.stop": EVERYONE,
  "jobs.stopByFilter": EVERYONE,
  "accessKeys.create": EVERYONE,
  "accessKeys.revoke": EVERYONE,
  "members.add": ADMIN,
  "members.changeRole": ADMIN,
  "members.remove": ADMIN,
  "members.revokeInvitation": ADMIN,
  "backend.save": ADMIN,
  "backend.testConnection": ADMIN,
  "retention.save": ADMIN,
  // Settings → Single sign-on: who may get in, as members are.
  "sso.save": ADMIN,
  "sso.delete": ADMIN,
  // Settings → Secrets. DESIGN.md's table has no row of its own for them: secrets are managed by
  // those who manage job definitions (a definition's `secrets` names them), seen by everyone.
  "secrets.put": MANAGERS,
  "secrets.delete": MANAGERS,
};

/** The install operator's actions (operatorAction): no organization role may call them. */
const OPERATOR_ACTIONS = ["operator.saveQuotas"];

const OPERATIONS: Record<string, Role[]> = {
  CreateComputeEnvironment: ADMIN,
  UpdateComputeEnvironment: ADMIN,
  DeleteComputeEnvironment: ADMIN,
  DescribeComputeEnvironments: EVERYONE,
  CreateJobQueue: ADMIN,
  UpdateJobQueue: ADMIN,
  DeleteJobQueue: ADMIN,
  DescribeJobQueues: EVERYONE,
  GetJobQueueSnapshot: EVERYONE,
  CreateSchedulingPolicy: ADMIN,
  UpdateSchedulingPolicy: ADMIN,
  DeleteSchedulingPolicy: ADMIN,
  DescribeSchedulingPolicies: EVERYONE,
  ListSchedulingPolicies: EVERYONE,
  // Consumable resources: not a row of DESIGN.md's table; job definitions and submissions name
  // them, so they are managed by those who manage job definitions (as secrets are), seen by all.
  CreateConsumableResource: MANAGERS,
  UpdateConsumableResource: MANAGERS,
  DeleteConsumableResource: MANAGERS,
  DescribeConsumableResource: EVERYONE,
  ListConsumableResources: EVERYONE,
  ListJobsByConsumableResource: EVERYONE,
  RegisterJobDefinition: MANAGERS,
  DeregisterJobDefinition: MANAGERS,
  DescribeJobDefinitions: EVERYONE,
  SubmitJob: EVERYONE,
  DescribeJobs: EVERYONE,
  ListJobs: EVERYONE,
  CancelJob: EVERYONE,
  TerminateJob: EVERYONE,
  CancelJobs: EVERYONE,
  TerminateJobs: EVERYONE,
  // Operations only AWS runs (a built-in organization gets a ClientException once past this
  // door): service environments as compute environments, quota shares as the job queues they
  // divide. AWS's service jobs carry no submitter Batchdeck could check, so changing or
  // terminating one is "anyone's jobs".
  CreateServiceEnvironment: ADMIN,
  UpdateServiceEnvironment: ADMIN,
  DeleteServiceEnvironment: ADMIN,
  DescribeServiceEnvironments: EVERYONE,
  SubmitServiceJob: EVERYONE,
  DescribeServiceJob: EVERYONE,
  ListServiceJobs: EVERYONE,
  UpdateServiceJob: MANAGERS,
  TerminateServiceJob: MANAGERS,
  TerminateServiceJobs: MANAGERS,
  CreateQuotaShare: ADMIN,
  UpdateQuotaShare: ADMIN,
  DeleteQuotaShare: ADMIN,
  DescribeQuotaShare: EVERYONE,
  ListQuotaShares: EVERYONE,
  ListTagsForResource: EVERYONE,
  // Tagging needs, besides this, the right to manage the tagged resource: checked per ARN
  // inside (tests/integration/resources-tags).
  TagResource: EVERYONE,
  UntagResource: EVERYONE,
};

/**
 * Server actions that go through neither wrapper, with why. The ones anyone may call before
 * signing in (sign-in, sign-up, accepting an invitation) go through publicAction.
 */
const UNWRAPPED_ACTIONS = new Set([
  "signOutAction", // ends the caller's own session
  "switchOrganizationAction", // checks the caller's membership of the target organization itself
]);

const actionModules = import.meta.glob("/app/**/actions.ts");

describe("every server action module", () => {
  it("registers each exported action through orgAction, operatorAction or publicAction, or is a known unwrapped one", async () => {
    const unexplained: string[] = [];
    const registered = () => [
      ...actionRegistry.keys(),
      ...operatorActionRegistry.keys(),
      ...publicActionRegistry.keys(),
    ];
    for (const [path, load] of Object.entries(actionModules)) {
      const before = new Set(registered());
      const mod = (await load()) as Record<string, unknown>;
      const added = registered().filter((k) => !before.has(k));
      const exported = Object.entries(mod).filter(([, v]) => typeof v === "function");
      const plain = exported.filter(([name]) => !UNWRAPPED_ACTIONS.has(name));
      if (plain.length !== added.length)
        unexplained.push(`${path}: ${plain.length} exports, ${added.length} registered`);
    }
    expect(unexplained).toEqual([]);
    expect(Object.keys(actionModules).length).toBeGreaterThanOrEqual(12);
    expect([...publicActionRegistry.keys()].sort()).toEqual(["acceptInvitation", "signIn", "signUp"]);
  });

  it("has a row in this matrix for every registered action, and no row without an action", () => {
    expect([...actionRegistry.keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
    expect([...operatorActionRegistry.keys()].sort()).toEqual(OPERATOR_ACTIONS);
  });
});

describe("the /v1 registry", () => {
  it("has a row in this matrix for every operation, and no row without an operation", () => {
    expect(Object.keys(API_OPERATIONS).sort()).toEqual(Object.keys(OPERATIONS).sort());
  });
});

describe("each role against each action and operation (SQLite)", () => {
  let t: TestDatabase;
  const contexts = {} as Record<Role, OrgContext>;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Matrix");
    contexts.admin = contextFor(t.db, organizationId, admin, "admin");
    for (const role of ["developer", "submitter"] as const) {
      const user = await createUser(t.db, `${role}-matrix@example.com`);
      await addMembership(t.db, organizationId, user.id, role);
      contexts[role] = contextFor(t.db, organizationId, user, role);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  /** The refusal code, or "allowed" when the call got past authorization (valid or not). */
  async function outcome(call: () => Promise<unknown>): Promise<string> {
    try {
      await call();
      return "allowed";
    } catch (error) {
      if (error instanceof AppError && error.code === "FORBIDDEN") return "FORBIDDEN";
      if ((error as { type?: string }).type === "AccessDeniedException") return "FORBIDDEN";
      return "allowed";
    }
  }

  it("server actions: allowed exactly for DESIGN.md's roles", async () => {
    for (const load of Object.values(actionModules)) await load();
    const got: Record<string, Role[]> = {};
    for (const [name, def] of actionRegistry) {
      got[name] = [];
      for (const role of ["admin", "developer", "submitter"] as const) {
        // An empty input: allowed roles get a validation error, refused ones FORBIDDEN first.
        if ((await outcome(() => executeOperation(def, contexts[role], {}))) === "allowed") got[name].push(role);
      }
    }
    expect(got).toEqual(ACTIONS);
  });

  it("operator actions: refused to every organization role, the admin's included", async () => {
    for (const load of Object.values(actionModules)) await load();
    for (const [name, def] of operatorActionRegistry) {
      for (const role of ["admin", "developer", "submitter"] as const) {
        const ctx = contexts[role];
        expect([name, role, await outcome(() => executeOperatorAction(def, ctx, {}))]).toEqual([
          name,
          role,
          "FORBIDDEN",
        ]);
      }
    }
  });

  it("/v1 operations: allowed exactly for DESIGN.md's roles", async () => {
    const got: Record<string, Role[]> = {};
    for (const [name, operation] of Object.entries(API_OPERATIONS)) {
      got[name] = [];
      for (const role of ["admin", "developer", "submitter"] as const) {
        if ((await outcome(() => runOperation(contexts[role], operation, {}))) === "allowed") got[name].push(role);
      }
    }
    expect(got).toEqual(OPERATIONS);
  });
});

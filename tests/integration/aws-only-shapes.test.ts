// Shapes and operations AWS Batch runs and the built-in engine does not (multi-node, EKS and
// ECS-properties definitions and overrides, SageMaker Training queues, quota shares, service
// environments and service jobs). A built-in organization is refused by name, through the same
// /v1 path its callers use, and nothing is stored; an organization on the AWS backend sends the
// same requests to "AWS" unchanged: here Batchdeck's own /v1 (organization "remote", built-in),
// whose refusal coming back proves the request left the local organization as it was sent.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { toApiError } from "@/lib/api/errors";
import { API_OPERATIONS } from "@/lib/api/operations";
import { runOperation } from "@/lib/api/v1-handler";
import { type ActionDefinition, actionRegistry } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { AppError } from "@/lib/errors";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const call = (ctx: OrgContext, name: string, raw: unknown) => {
  const operation = API_OPERATIONS[name];
  if (!operation) throw new Error(`${name} is not in the registry`);
  return runOperation(ctx, operation, raw);
};

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected the call to be refused");
  return error as Error;
}

const container = {
  image: "busybox",
  command: ["true"],
  resourceRequirements: [
    { type: "VCPU", value: "1" },
    { type: "MEMORY", value: "64" },
  ],
};
const eksProperties = { podProperties: { containers: [{ image: "busybox", command: ["true"] }] } };

/** [operation, request, what the refusal must say] */
const REFUSED_SHAPES: [string, Record<string, unknown>, RegExp][] = [
  [
    "RegisterJobDefinition",
    {
      jobDefinitionName: "mnp",
      type: "multinode",
      nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [] },
    },
    /^Multi-node parallel \(multinode\) job definitions are not supported by the built-in backend, which cannot run them/,
  ],
  [
    "RegisterJobDefinition",
    { jobDefinitionName: "eks", type: "container", eksProperties },
    /^eksProperties is not supported by the built-in backend, which cannot run it/,
  ],
  [
    "RegisterJobDefinition",
    { jobDefinitionName: "ecs", type: "container", ecsProperties: { taskProperties: [] } },
    /^ecsProperties is not supported by the built-in backend/,
  ],
  [
    "RegisterJobDefinition",
    { jobDefinitionName: "np", type: "container", containerProperties: container, nodeProperties: { numNodes: 2 } },
    /^nodeProperties is not supported by the built-in backend/,
  ],
  [
    "SubmitJob",
    { jobName: "j", jobQueue: "q", jobDefinition: "d", nodeOverrides: { numNodes: 2 } },
    /nodeOverrides is not supported by the built-in backend, which runs container jobs only/,
  ],
  [
    "SubmitJob",
    { jobName: "j", jobQueue: "q", jobDefinition: "d", eksPropertiesOverride: { podProperties: {} } },
    /eksPropertiesOverride is not supported by the built-in backend/,
  ],
  [
    "SubmitJob",
    { jobName: "j", jobQueue: "q", jobDefinition: "d", ecsPropertiesOverride: { taskProperties: [] } },
    /ecsPropertiesOverride is not supported by the built-in backend/,
  ],
  [
    "CreateJobQueue",
    {
      jobQueueName: "sm",
      priority: 1,
      jobQueueType: "SAGEMAKER_TRAINING",
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
    },
    /jobQueueType SAGEMAKER_TRAINING is not supported by the built-in backend, which cannot run SageMaker Training jobs/,
  ],
  [
    "CreateJobQueue",
    {
      jobQueueName: "se",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
      serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: "se" }],
    },
    /serviceEnvironmentOrder is not supported by the built-in backend, which has no service environments/,
  ],
  [
    "UpdateJobQueue",
    { jobQueue: "q", serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: "se" }] },
    /serviceEnvironmentOrder is not supported by the built-in backend/,
  ],
  [
    "CreateSchedulingPolicy",
    { name: "qs", quotaSharePolicy: { idleResourceAssignmentStrategy: "FIFO" } },
    /quotaSharePolicy is not supported by the built-in backend, which has no quota shares/,
  ],
  [
    "UpdateSchedulingPolicy",
    { arn: "arn:aws:batch:us-east-1:123456789012:scheduling-policy/p", quotaSharePolicy: {} },
    /quotaSharePolicy is not supported by the built-in backend/,
  ],
];

/** [operation, request, what the built-in engine lacks] */
const AWS_ONLY: [string, Record<string, unknown>, string][] = [
  [
    "CreateServiceEnvironment",
    {
      serviceEnvironmentName: "se",
      serviceEnvironmentType: "SAGEMAKER_TRAINING",
      capacityLimits: [{ maxCapacity: 1, capacityUnit: "NUM_INSTANCES" }],
    },
    "service environments",
  ],
  ["DescribeServiceEnvironments", {}, "service environments"],
  ["UpdateServiceEnvironment", { serviceEnvironment: "se", state: "DISABLED" }, "service environments"],
  ["DeleteServiceEnvironment", { serviceEnvironment: "se" }, "service environments"],
  [
    "SubmitServiceJob",
    { jobName: "t", jobQueue: "sm", serviceJobType: "SAGEMAKER_TRAINING", serviceRequestPayload: "{}" },
    "service jobs",
  ],
  ["DescribeServiceJob", { jobId: "x" }, "service jobs"],
  ["ListServiceJobs", { jobQueue: "sm" }, "service jobs"],
  ["UpdateServiceJob", { jobId: "x", schedulingPriority: 5 }, "service jobs"],
  ["TerminateServiceJob", { jobId: "x", reason: "r" }, "service jobs"],
  ["TerminateServiceJobs", { jobs: ["x"], reason: "r" }, "service jobs"],
  ["CreateQuotaShare", { quotaShareName: "a", jobQueue: "q" }, "quota shares"],
  ["DescribeQuotaShare", { quotaShareArn: "arn" }, "quota shares"],
  ["ListQuotaShares", { jobQueue: "q" }, "quota shares"],
  ["UpdateQuotaShare", { quotaShareArn: "arn", state: "DISABLED" }, "quota shares"],
  ["DeleteQuotaShare", { quotaShareArn: "arn" }, "quota shares"],
];

describe.each(PROVIDERS)("what only AWS runs, on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let remote: OrgContext;
  let local: OrgContext;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const r = await createOrgWithAdmin(t.db, "Remote");
    remote = contextFor(t.db, r.organizationId, r.admin, "admin");
    const remoteKey = await createAccessKey(remote, { description: "driven by local" });
    const l = await createOrgWithAdmin(t.db, "Local");
    local = contextFor(t.db, l.organizationId, l.admin, "admin");
    await saveBackendSettings(
      local,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: remoteKey.accessKeyId,
        secretAccessKey: remoteKey.secretAccessKey,
        batchEndpoint: server.endpoint,
        logsEndpoint: server.endpoint,
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it.each(REFUSED_SHAPES)("a built-in organization's %s is refused by name", async (name, raw, message) => {
    const error = toApiError(await refusal(call(remote, name, raw)));
    expect(error.type).toBe("ClientException");
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/AWS Batch backend/);
  });

  // The console's JSON tabs go through the server actions, which validate the same way.
  it.each([
    ["jobDefinitions.register", REFUSED_SHAPES[1]?.[1], "eksProperties"],
    ["jobs.submit", REFUSED_SHAPES[4]?.[1], "nodeOverrides"],
  ])("a built-in organization's %s action refuses it by name too", async (action, raw, field) => {
    for (const load of Object.values(import.meta.glob("/app/**/actions.ts"))) await load();
    const def = actionRegistry.get(action) as ActionDefinition;
    const error = await refusal(executeOperation(def, remote, raw));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "INVALID_INPUT",
      fieldErrors: { [field]: [expect.stringMatching(/built-in backend/)] },
    });
  });

  it("stores nothing of what it refused", async () => {
    const where = { organizationId: remote.organizationId };
    expect(await t.db.jobDefinition.count({ where })).toBe(0);
    expect(await t.db.jobQueue.count({ where })).toBe(0);
    expect(await t.db.schedulingPolicy.count({ where })).toBe(0);
    expect(await t.db.job.count({ where })).toBe(0);
  });

  it.each(AWS_ONLY)("a built-in organization's %s says what the engine does not run", async (name, raw, family) => {
    const error = toApiError(await refusal(call(remote, name, raw)));
    expect(error.type).toBe("ClientException");
    expect(error.message).toBe(
      `${name}: the built-in engine does not run ${family}${family === "quota shares" ? "" : family === "service jobs" ? " (SageMaker Training jobs)" : " (SageMaker Training capacity)"}. Organizations on the AWS Batch backend can use ${name} (Settings → Backend).`,
    );
  });

  // Batchdeck's /v1 stands in for AWS: the request reaches it whole (the remote's refusal names
  // the field local would otherwise have refused itself) and AWS's error comes back in words.
  it("an AWS organization sends an EKS job definition to AWS unchanged, and AWS's answer comes back", async () => {
    const error = await refusal(
      call(local, "RegisterJobDefinition", { jobDefinitionName: "eks", type: "container", eksProperties }),
    );
    expect(error.message).toMatch(/AWS Batch/);
    expect(error.message).toMatch(/eksProperties is not supported by the built-in backend/);
  });

  it("an AWS organization submits with nodeOverrides to AWS", async () => {
    const error = await refusal(
      call(local, "SubmitJob", { jobName: "j", jobQueue: "q", jobDefinition: "d", nodeOverrides: { numNodes: 2 } }),
    );
    expect(error.message).toMatch(/nodeOverrides is not supported by the built-in backend/);
  });

  it("an AWS organization's CreateServiceEnvironment reaches AWS, and nothing is audited for a refused change", async () => {
    const [, raw] = AWS_ONLY[0] as (typeof AWS_ONLY)[number];
    const error = await refusal(call(local, "CreateServiceEnvironment", raw));
    expect(error.message).toMatch(/AWS Batch/);
    expect(error.message).toMatch(/CreateServiceEnvironment: the built-in engine does not run service environments/);
    expect(
      await t.db.auditEvent.count({
        where: { organizationId: local.organizationId, action: "serviceEnvironment.create" },
      }),
    ).toBe(0);
  });
});

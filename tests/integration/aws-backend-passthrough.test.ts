// What only AWS runs, for an organization on the AWS backend: the request goes through /v1's
// registry (lib/api/operations.ts) to AWS as it was sent, and AWS's answer comes back. Batchdeck's
// own /v1 cannot stand in for AWS here (it runs no EKS, multi-node or SageMaker work), so
// aws-sdk-client-mock plays AWS; the database, where the audit entries land, is real.
import { randomBytes } from "node:crypto";
import {
  BatchClient,
  ClientException,
  CreateQuotaShareCommand,
  CreateSchedulingPolicyCommand,
  CreateServiceEnvironmentCommand,
  DescribeServiceJobCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  SubmitServiceJobCommand,
  TerminateServiceJobCommand,
} from "@aws-sdk/client-batch";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { toApiError } from "@/lib/api/errors";
import { API_OPERATIONS } from "@/lib/api/operations";
import { runOperation } from "@/lib/api/v1-handler";
import { type ActionDefinition, actionRegistry } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { SUBMITTED_BY_TAG } from "@/lib/backends/aws/jobs";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const call = (ctx: OrgContext, name: string, raw: unknown) => {
  const operation = API_OPERATIONS[name];
  if (!operation) throw new Error(`${name} is not in the registry`);
  return runOperation(ctx, operation, raw) as Promise<Record<string, unknown>>;
};

const ARN = "arn:aws:batch:us-east-1:123456789012";

describe.each(PROVIDERS)("an AWS organization's AWS-only requests reach AWS unchanged, on %s", (provider) => {
  let batch: AwsClientStub<BatchClient>;
  let t: TestDatabase;
  let admin: OrgContext;
  let submitter: OrgContext;

  beforeAll(async () => {
    // Made here, not while the suites are collected: one mock per suite, restored after it.
    batch = mockClient(BatchClient);
    t = await freshDatabase(provider);
    const o = await createOrgWithAdmin(t.db, "On AWS");
    admin = contextFor(t.db, o.organizationId, o.admin, "admin");
    const user = await createUser(t.db, "submitter-aws@example.com");
    await addMembership(t.db, o.organizationId, user.id, "submitter");
    submitter = contextFor(t.db, o.organizationId, user, "submitter");
    await saveBackendSettings(
      admin,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "x".repeat(40),
      }),
    );
  });
  afterEach(() => batch.reset());
  afterAll(async () => {
    batch.restore();
    await t?.close();
  });

  const sent = <T>(command: new (...args: never[]) => T) => {
    const calls = batch.commandCalls(command as never);
    expect(calls).toHaveLength(1);
    return (calls[0]?.args[0] as unknown as { input: Record<string, unknown> }).input;
  };
  const audited = (action: string) =>
    t.db.auditEvent.findMany({ where: { organizationId: admin.organizationId, action } });

  it("registers an EKS job definition", async () => {
    const request = {
      jobDefinitionName: "eks",
      type: "container",
      eksProperties: {
        podProperties: {
          hostNetwork: true,
          containers: [
            {
              image: "public.ecr.aws/amazonlinux/amazonlinux:2",
              command: ["sleep", "60"],
              resources: { limits: { cpu: "1", memory: "1024Mi" } },
            },
          ],
        },
      },
    };
    batch
      .on(RegisterJobDefinitionCommand)
      .resolves({ jobDefinitionName: "eks", jobDefinitionArn: `${ARN}:job-definition/eks:1`, revision: 1 });
    expect(await call(admin, "RegisterJobDefinition", request)).toMatchObject({
      jobDefinitionName: "eks",
      revision: 1,
    });
    expect(sent(RegisterJobDefinitionCommand)).toMatchObject(request);
  });

  it("registers an EKS job definition from the console's JSON tab (the server action)", async () => {
    const request = {
      jobDefinitionName: "eks-console",
      type: "container",
      eksProperties: { podProperties: { containers: [] } },
    };
    batch.on(RegisterJobDefinitionCommand).resolves({
      jobDefinitionName: "eks-console",
      jobDefinitionArn: `${ARN}:job-definition/eks-console:1`,
      revision: 1,
    });
    for (const load of Object.values(import.meta.glob("/app/**/actions.ts"))) await load();
    const def = actionRegistry.get("jobDefinitions.register") as ActionDefinition;
    expect(await executeOperation(def, admin, request)).toMatchObject({ revision: 1 });
    expect(sent(RegisterJobDefinitionCommand)).toMatchObject(request);
  });

  it("registers a multi-node parallel job definition", async () => {
    const request = {
      jobDefinitionName: "mnp",
      type: "multinode",
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [{ targetNodes: "0:", container: { image: "busybox", command: ["true"] } }],
      },
    };
    batch
      .on(RegisterJobDefinitionCommand)
      .resolves({ jobDefinitionName: "mnp", jobDefinitionArn: `${ARN}:job-definition/mnp:1`, revision: 1 });
    await call(admin, "RegisterJobDefinition", request);
    expect(sent(RegisterJobDefinitionCommand)).toMatchObject(request);
  });

  it("submits with nodeOverrides and eksPropertiesOverride", async () => {
    const request = {
      jobName: "mnp-run",
      jobQueue: "q",
      jobDefinition: "mnp",
      nodeOverrides: {
        numNodes: 3,
        nodePropertyOverrides: [{ targetNodes: "0:", containerOverrides: { command: ["x"] } }],
      },
      eksPropertiesOverride: { podProperties: { containers: [{ name: "c", command: ["y"] }] } },
    };
    batch.on(SubmitJobCommand).resolves({ jobName: "mnp-run", jobId: "id-1", jobArn: `${ARN}:job/id-1` });
    expect(await call(submitter, "SubmitJob", request)).toEqual({
      jobName: "mnp-run",
      jobId: "id-1",
      jobArn: `${ARN}:job/id-1`,
    });
    expect(sent(SubmitJobCommand)).toMatchObject({ ...request, tags: { [SUBMITTED_BY_TAG]: submitter.user.id } });
  });

  it("creates a quota-share scheduling policy", async () => {
    const request = { name: "qs", quotaSharePolicy: { idleResourceAssignmentStrategy: "FIFO" } };
    batch.on(CreateSchedulingPolicyCommand).resolves({ name: "qs", arn: `${ARN}:scheduling-policy/qs` });
    await call(admin, "CreateSchedulingPolicy", request);
    expect(sent(CreateSchedulingPolicyCommand)).toMatchObject(request);
  });

  it("creates a service environment, answers with AWS's answer and audits it", async () => {
    const request = {
      serviceEnvironmentName: "sm",
      serviceEnvironmentType: "SAGEMAKER_TRAINING",
      capacityLimits: [{ maxCapacity: 4, capacityUnit: "NUM_INSTANCES" }],
      tags: { team: "ml" },
    };
    const answer = { serviceEnvironmentName: "sm", serviceEnvironmentArn: `${ARN}:service-environment/sm` };
    batch.on(CreateServiceEnvironmentCommand).resolves(answer);
    expect(await call(admin, "CreateServiceEnvironment", request)).toEqual(answer);
    expect(sent(CreateServiceEnvironmentCommand)).toEqual(request);
    const entries = await audited("serviceEnvironment.create");
    expect(entries.map((e) => e.targetId)).toEqual([answer.serviceEnvironmentArn]);
    expect(JSON.parse(entries[0]?.details ?? "{}")).toMatchObject({ backend: "aws" });
  });

  it("submits, describes and terminates a service job", async () => {
    const request = {
      jobName: "train",
      jobQueue: "sm-queue",
      serviceJobType: "SAGEMAKER_TRAINING",
      serviceRequestPayload: JSON.stringify({ TrainingJobName: "train" }),
    };
    batch.on(SubmitServiceJobCommand).resolves({ jobName: "train", jobId: "sj-1", jobArn: `${ARN}:service-job/sj-1` });
    expect(await call(submitter, "SubmitServiceJob", request)).toMatchObject({ jobId: "sj-1" });
    expect(sent(SubmitServiceJobCommand)).toEqual(request);
    expect((await audited("serviceJob.submit")).map((e) => e.targetId)).toEqual(["sj-1"]);

    batch.on(DescribeServiceJobCommand).resolves({
      jobId: "sj-1",
      jobName: "train",
      jobQueue: "sm-queue",
      serviceJobType: "SAGEMAKER_TRAINING",
      status: "RUNNING",
      startedAt: 1_700_000_000_000,
    });
    expect(await call(submitter, "DescribeServiceJob", { jobId: "sj-1" })).toMatchObject({
      jobId: "sj-1",
      status: "RUNNING",
      startedAt: 1_700_000_000_000,
    });

    batch.on(TerminateServiceJobCommand).resolves({});
    await call(admin, "TerminateServiceJob", { jobId: "sj-1", reason: "done" });
    expect(sent(TerminateServiceJobCommand)).toEqual({ jobId: "sj-1", reason: "done" });
    expect((await audited("serviceJob.terminate")).map((e) => e.targetId)).toEqual(["sj-1"]);
  });

  it("passes AWS's refusal back as a ClientException and audits nothing", async () => {
    batch
      .on(CreateQuotaShareCommand)
      .rejects(new ClientException({ message: "capacityLimits is required.", $metadata: { httpStatusCode: 400 } }));
    const error = await call(admin, "CreateQuotaShare", { quotaShareName: "a", jobQueue: "q" }).then(
      () => null,
      (e: unknown) => toApiError(e),
    );
    expect(error?.type).toBe("ClientException");
    expect(error?.message).toMatch(/capacityLimits is required/);
    expect(await audited("quotaShare.create")).toEqual([]);
  });
});

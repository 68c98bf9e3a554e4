// The console's "Create compute environment" on the AWS backend: the request the form builds
// (or the JSON pasted into its JSON tab) goes through the console's server action and reaches
// AWS's CreateComputeEnvironment exactly as built. aws-sdk-client-mock plays AWS; the
// organization, its AWS settings and the audit entry are real rows.
import { randomBytes } from "node:crypto";
import { BatchClient, ClientException, CreateComputeEnvironmentCommand } from "@aws-sdk/client-batch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { actionRegistry } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import {
  type AwsComputeEnvironmentForm,
  awsFormErrorsFrom,
  awsFormToRequest,
  emptyAwsComputeEnvironmentForm,
} from "@/lib/console/aws-compute-environment-form";
import { AppError } from "@/lib/errors";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

// The action refreshes the console's pages after a change; outside a Next request there are none.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const ROLE = "arn:aws:iam::123456789012:role";
const form = (patch: Partial<AwsComputeEnvironmentForm>): AwsComputeEnvironmentForm => ({
  ...emptyAwsComputeEnvironmentForm(),
  maxvCpus: "64",
  subnets: "subnet-0aaa\nsubnet-0bbb",
  securityGroupIds: "sg-0111",
  serviceRole: `${ROLE}/AWSBatchServiceRole`,
  ...patch,
});

describe("creating a compute environment from the console on the AWS backend", () => {
  const batch = mockClient(BatchClient);
  let t: TestDatabase;
  let ctx: OrgContext;
  let create: (raw: unknown) => Promise<unknown>;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    const org = await createOrgWithAdmin(t.db, "On AWS");
    ctx = contextFor(t.db, org.organizationId, org.admin, "admin");
    await saveBackendSettings(
      ctx,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "x".repeat(40),
        // Never reached: the mock answers every call.
        batchEndpoint: "http://127.0.0.1:9",
        logsEndpoint: "http://127.0.0.1:9",
      }),
    );
    await import("@/app/(console)/compute-environments/actions");
    const action = actionRegistry.get("computeEnvironments.create");
    if (!action) throw new Error("computeEnvironments.create is not registered");
    create = (raw) => executeOperation(action, ctx, raw);
  });
  afterEach(() => batch.reset());
  afterAll(async () => {
    batch.restore();
    await t?.close();
  });

  const sent = () => batch.commandCalls(CreateComputeEnvironmentCommand).map((call) => call.args[0].input);

  const cases: [string, Record<string, unknown>][] = [
    [
      "EC2",
      awsFormToRequest(
        form({
          computeEnvironmentName: "ec2-ce",
          crType: "EC2",
          minvCpus: "0",
          desiredvCpus: "2",
          instanceTypes: "optimal, m5.large",
          allocationStrategy: "BEST_FIT_PROGRESSIVE",
          instanceRole: "ecsInstanceRole",
          ec2KeyPair: "ops",
          launchTemplate: "lt-0123456789abcdef0",
          launchTemplateVersion: "$Latest",
          instanceTags: [{ key: "Name", value: "batch" }],
          tags: [{ key: "team", value: "ml" }],
        }),
      ),
    ],
    [
      "SPOT",
      awsFormToRequest(
        form({
          computeEnvironmentName: "spot-ce",
          crType: "SPOT",
          allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
          bidPercentage: "60",
          spotIamFleetRole: `${ROLE}/AmazonEC2SpotFleetRole`,
          instanceRole: "ecsInstanceRole",
        }),
      ),
    ],
    [
      "FARGATE",
      awsFormToRequest(form({ computeEnvironmentName: "fg-ce", crType: "FARGATE", instanceRole: "ignored" })),
    ],
    ["UNMANAGED", awsFormToRequest(form({ computeEnvironmentName: "own-ce", type: "UNMANAGED", unmanagedvCpus: "8" }))],
    [
      "a pasted request with fields the form has no control for",
      {
        computeEnvironmentName: "pasted",
        type: "MANAGED",
        state: "DISABLED",
        computeResources: {
          type: "EC2",
          maxvCpus: 16,
          instanceTypes: ["g5"],
          subnets: ["subnet-1"],
          ec2Configuration: [{ imageType: "ECS_AL2023_NVIDIA" }],
          launchTemplate: { launchTemplateName: "gpu", overrides: [{ launchTemplateName: "big" }] },
          scalingPolicy: { minScaleDownDelayMinutes: 30 },
        },
        updatePolicy: { terminateJobsOnUpdate: true },
        context: "reserved",
      },
    ],
  ];

  it.each(cases)("%s: AWS receives the request exactly as the form built it", async (_name, request) => {
    const name = request.computeEnvironmentName as string;
    const arn = `arn:aws:batch:us-east-1:123456789012:compute-environment/${name}`;
    batch.on(CreateComputeEnvironmentCommand).resolves({ computeEnvironmentName: name, computeEnvironmentArn: arn });
    expect(await create(structuredClone(request))).toEqual({
      computeEnvironmentName: name,
      computeEnvironmentArn: arn,
    });
    expect(sent()).toEqual([request]);
    const audit = await t.db.auditEvent.findFirst({
      where: { organizationId: ctx.organizationId, action: "computeEnvironment.create", targetId: arn },
    });
    expect(audit).not.toBeNull();
  });

  it("shows AWS's refusal in the form's words, beside the field it names", async () => {
    batch.on(CreateComputeEnvironmentCommand).rejects(
      new ClientException({
        message: "Error executing request, Exception : subnets cannot be empty.",
        $metadata: {},
      }),
    );
    const request = awsFormToRequest(form({ computeEnvironmentName: "no-subnets", crType: "FARGATE", subnets: "" }));
    const error = await create(request).then(
      () => null,
      (e: unknown) => e,
    );
    expect(sent()).toEqual([request]);
    expect(error).toBeInstanceOf(AppError);
    const { fieldErrors, message } = error as AppError;
    expect(awsFormErrorsFrom(fieldErrors ?? { _: [message] })).toEqual({
      subnets: ["Error executing request, Exception : Subnets cannot be empty."],
    });
  });
});

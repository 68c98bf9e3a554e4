// The AWS backend's compute environment form ⇄ CreateComputeEnvironment request: what each
// provisioning model sends, what Fargate leaves out, that a pasted request survives the form,
// and that the server's errors come back in the form's labels.
import { CRAllocationStrategy, CRType } from "@aws-sdk/client-batch";
import { describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { createComputeEnvironmentInput } from "@/lib/batch/shapes/compute-environments";
import { AppError } from "@/lib/errors";
import {
  ALLOCATION_STRATEGIES,
  type AwsComputeEnvironmentForm,
  awsFormErrorsFrom,
  awsFormToRequest,
  CR_TYPES,
  emptyAwsComputeEnvironmentForm,
  requestToAwsForm,
} from "./aws-compute-environment-form";

const ROLE = "arn:aws:iam::123456789012:role";

/** Every field filled, as a person might before switching the provisioning model. */
const filled = (patch: Partial<AwsComputeEnvironmentForm>): AwsComputeEnvironmentForm => ({
  ...emptyAwsComputeEnvironmentForm(),
  computeEnvironmentName: " ml-ce ",
  minvCpus: "0",
  maxvCpus: "256",
  desiredvCpus: "4",
  instanceTypes: "optimal, m5.large\nc5",
  allocationStrategy: "BEST_FIT_PROGRESSIVE",
  instanceRole: "ecsInstanceRole",
  bidPercentage: "60",
  spotIamFleetRole: `${ROLE}/AmazonEC2SpotFleetRole`,
  launchTemplate: "lt-0123456789abcdef0",
  launchTemplateVersion: "$Latest",
  ec2KeyPair: "ops",
  subnets: "subnet-aaa, subnet-bbb",
  securityGroupIds: "sg-111\nsg-222",
  serviceRole: `${ROLE}/AWSBatchServiceRole`,
  instanceTags: [{ key: "Name", value: "batch" }],
  tags: [
    { key: "team", value: "ml" },
    { key: " ", value: "blank keys are dropped" },
  ],
  ...patch,
});

/** The server's validation, as the console's action runs it: field errors by zod path. */
function serverErrors(request: Record<string, unknown>): Record<string, string[]> {
  try {
    parseInput(createComputeEnvironmentInput, request);
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors) return error.fieldErrors;
    throw error;
  }
  return {};
}

describe("the form's choices are AWS's", () => {
  it("offers the SDK's provisioning models and allocation strategies, no more and no fewer", () => {
    // ECS_MANAGED_INSTANCES is AWS's newest model, with a configuration of its own that
    // Batchdeck's CreateComputeEnvironment schema does not accept yet.
    expect([...CR_TYPES].sort()).toEqual(
      Object.values(CRType)
        .filter((t) => t !== "ECS_MANAGED_INSTANCES")
        .sort(),
    );
    expect([...ALLOCATION_STRATEGIES].sort()).toEqual(Object.values(CRAllocationStrategy).sort());
  });
});

describe("form → CreateComputeEnvironment request", () => {
  it("EC2: capacity, instances, roles, launch template, key pair, networking and tags", () => {
    const request = awsFormToRequest(filled({ crType: "EC2" }));
    expect(request).toEqual({
      computeEnvironmentName: "ml-ce",
      type: "MANAGED",
      state: "ENABLED",
      computeResources: {
        type: "EC2",
        allocationStrategy: "BEST_FIT_PROGRESSIVE",
        minvCpus: 0,
        maxvCpus: 256,
        desiredvCpus: 4,
        instanceTypes: ["optimal", "m5.large", "c5"],
        subnets: ["subnet-aaa", "subnet-bbb"],
        securityGroupIds: ["sg-111", "sg-222"],
        instanceRole: "ecsInstanceRole",
        ec2KeyPair: "ops",
        launchTemplate: { launchTemplateId: "lt-0123456789abcdef0", version: "$Latest" },
        tags: { Name: "batch" },
      },
      serviceRole: `${ROLE}/AWSBatchServiceRole`,
      tags: { team: "ml" },
    });
    expect(serverErrors(request)).toEqual({});
  });

  it("SPOT adds the bid percentage and the Spot fleet role; a launch template by name", () => {
    const request = awsFormToRequest(
      filled({ crType: "SPOT", allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED", launchTemplate: "batch-lt" }),
    );
    expect(request.computeResources).toMatchObject({
      type: "SPOT",
      allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED",
      bidPercentage: 60,
      spotIamFleetRole: `${ROLE}/AmazonEC2SpotFleetRole`,
      launchTemplate: { launchTemplateName: "batch-lt", version: "$Latest" },
      instanceTypes: ["optimal", "m5.large", "c5"],
    });
    expect(serverErrors(request)).toEqual({});
  });

  it("EC2 leaves the Spot-only fields out even when they were typed before switching", () => {
    const cr = awsFormToRequest(filled({ crType: "EC2" })).computeResources as Record<string, unknown>;
    expect(cr).not.toHaveProperty("bidPercentage");
    expect(cr).not.toHaveProperty("spotIamFleetRole");
  });

  it.each(["FARGATE", "FARGATE_SPOT"] as const)("%s sends maxvCpus, subnets and security groups only", (crType) => {
    const request = awsFormToRequest(filled({ crType }));
    expect(request.computeResources).toEqual({
      type: crType,
      maxvCpus: 256,
      subnets: ["subnet-aaa", "subnet-bbb"],
      securityGroupIds: ["sg-111", "sg-222"],
    });
    expect(request.serviceRole).toBe(`${ROLE}/AWSBatchServiceRole`);
    expect(serverErrors(request)).toEqual({});
  });

  it("UNMANAGED sends unmanagedvCpus and no computeResources", () => {
    const request = awsFormToRequest(filled({ type: "UNMANAGED", unmanagedvCpus: "16", state: "DISABLED" }));
    expect(request).toEqual({
      computeEnvironmentName: "ml-ce",
      type: "UNMANAGED",
      state: "DISABLED",
      unmanagedvCpus: 16,
      serviceRole: `${ROLE}/AWSBatchServiceRole`,
      tags: { team: "ml" },
    });
    expect(serverErrors(request)).toEqual({});
  });

  it("leaves empty optional fields out rather than sending empty strings or lists", () => {
    const request = awsFormToRequest({
      ...emptyAwsComputeEnvironmentForm(),
      computeEnvironmentName: "small",
      maxvCpus: "8",
    });
    expect(request).toEqual({
      computeEnvironmentName: "small",
      type: "MANAGED",
      state: "ENABLED",
      computeResources: { type: "EC2", minvCpus: 0, maxvCpus: 8, instanceTypes: ["optimal"] },
    });
  });
});

describe("a pasted CreateComputeEnvironment request", () => {
  const requests: Record<string, Record<string, unknown>> = {
    "EC2 with fields the form has no control for": {
      computeEnvironmentName: "gpu",
      type: "MANAGED",
      state: "ENABLED",
      computeResources: {
        type: "EC2",
        allocationStrategy: "BEST_FIT_PROGRESSIVE",
        minvCpus: 0,
        maxvCpus: 512,
        desiredvCpus: 0,
        instanceTypes: ["g5", "p4d.24xlarge"],
        subnets: ["subnet-1"],
        securityGroupIds: ["sg-1"],
        instanceRole: `arn:aws:iam::123456789012:instance-profile/ecsInstanceRole`,
        ec2KeyPair: "ops",
        launchTemplate: {
          launchTemplateName: "gpu-lt",
          version: "$Default",
          overrides: [{ launchTemplateName: "big", targetInstanceTypes: ["p4d.24xlarge"] }],
        },
        ec2Configuration: [{ imageType: "ECS_AL2023_NVIDIA" }],
        placementGroup: "cluster-1",
        tags: { Name: "gpu" },
      },
      serviceRole: `${ROLE}/AWSBatchServiceRole`,
      updatePolicy: { terminateJobsOnUpdate: false, jobExecutionTimeoutMinutes: 30 },
      tags: { team: "ml" },
    },
    SPOT: {
      computeEnvironmentName: "spot",
      type: "MANAGED",
      state: "DISABLED",
      computeResources: {
        type: "SPOT",
        allocationStrategy: "SPOT_CAPACITY_OPTIMIZED",
        minvCpus: 0,
        maxvCpus: 64,
        instanceTypes: ["optimal"],
        subnets: ["subnet-1", "subnet-2"],
        securityGroupIds: ["sg-1"],
        instanceRole: "ecsInstanceRole",
        bidPercentage: 40,
        spotIamFleetRole: `${ROLE}/AmazonEC2SpotFleetRole`,
        launchTemplate: { launchTemplateId: "lt-0abc", version: "3" },
      },
    },
    FARGATE_SPOT: {
      computeEnvironmentName: "fg",
      type: "MANAGED",
      state: "ENABLED",
      computeResources: { type: "FARGATE_SPOT", maxvCpus: 16, subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
      serviceRole: `${ROLE}/AWSBatchServiceRole`,
    },
    UNMANAGED: { computeEnvironmentName: "own", type: "UNMANAGED", state: "ENABLED", unmanagedvCpus: 4 },
  };

  it.each(Object.entries(requests))("%s fills the form and comes back unchanged", (_name, request) => {
    const form = requestToAwsForm(request);
    expect(awsFormToRequest(form)).toEqual(request);
    // And once more through the form, as switching tabs back and forth does.
    expect(awsFormToRequest(requestToAwsForm(awsFormToRequest(form)))).toEqual(request);
  });

  it("fills the form's fields, not only its hidden remainder", () => {
    const form = requestToAwsForm(requests.SPOT as Record<string, unknown>);
    expect(form).toMatchObject({
      computeEnvironmentName: "spot",
      state: "DISABLED",
      crType: "SPOT",
      maxvCpus: "64",
      instanceTypes: "optimal",
      subnets: "subnet-1, subnet-2",
      bidPercentage: "40",
      launchTemplate: "lt-0abc",
      launchTemplateVersion: "3",
      base: {},
    });
  });

  it("switching a pasted EC2 request to FARGATE in the form drops its EC2-only fields", () => {
    const form = requestToAwsForm(requests.SPOT as Record<string, unknown>);
    expect(awsFormToRequest({ ...form, crType: "FARGATE" }).computeResources).toEqual({
      type: "FARGATE",
      maxvCpus: 64,
      subnets: ["subnet-1", "subnet-2"],
      securityGroupIds: ["sg-1"],
    });
  });
});

describe("the server's errors in the form's words", () => {
  it("puts each beside its field, named by the field's label", () => {
    const request = awsFormToRequest(
      filled({ computeEnvironmentName: "bad name!", maxvCpus: "lots", bidPercentage: "150", crType: "SPOT" }),
    );
    const errors = awsFormErrorsFrom(serverErrors(request));
    expect(errors.maxvCpus).toEqual(["Maximum vCPUs must be an integer at least 0."]);
    expect(errors.bidPercentage).toEqual(["Spot bid percentage must be an integer between 0 and 100."]);
    expect(errors.computeEnvironmentName?.[0]).toBeTruthy();
    expect(errors.computeEnvironmentName?.join(" ")).not.toContain("computeEnvironmentName");
    expect(errors._).toBeUndefined();
  });

  it("places a check across fields on the field it names first", () => {
    const request = awsFormToRequest(filled({ minvCpus: "32", maxvCpus: "8", desiredvCpus: "" }));
    expect(awsFormErrorsFrom(serverErrors(request))).toEqual({
      minvCpus: ["Minimum vCPUs (32) must not be greater than Maximum vCPUs (8)."],
    });
  });

  it("places AWS's own message (no path) by the request field it names", () => {
    expect(
      awsFormErrorsFrom({ _: ["Error executing request, Exception : subnets cannot be empty for FARGATE."] }),
    ).toEqual({ subnets: ["Error executing request, Exception : Subnets cannot be empty for FARGATE."] });
    expect(awsFormErrorsFrom({ _: ["Something else went wrong."] })).toEqual({ _: ["Something else went wrong."] });
  });
});

import { describe, expect, it } from "vitest";
import {
  builtinCapacity,
  capacityTagProblems,
  computeEnvironmentDetail,
  createComputeEnvironmentInput,
  gpuIdsFromTag,
  specOf,
  updateComputeEnvironmentInput,
} from "./compute-environments";

const host = { cpus: 8, memoryMiB: 16000 };
const firstError = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;

describe("CreateComputeEnvironment request", () => {
  it("accepts a full AWS request and keeps the fields that mean nothing locally", () => {
    const input = createComputeEnvironmentInput.parse({
      computeEnvironmentName: "ce",
      type: "MANAGED",
      state: "ENABLED",
      computeResources: {
        type: "EC2",
        minvCpus: 0,
        maxvCpus: 4,
        instanceTypes: ["optimal"],
        subnets: ["subnet-1"],
        launchTemplate: { launchTemplateName: "lt" },
      },
      serviceRole: "arn:aws:iam::123456789012:role/AWSBatchServiceRole",
      somethingNew: { kept: true },
    });
    const spec = specOf(input);
    expect(spec).toMatchObject({
      computeResources: { maxvCpus: 4, launchTemplate: { launchTemplateName: "lt" }, subnets: ["subnet-1"] },
      serviceRole: "arn:aws:iam::123456789012:role/AWSBatchServiceRole",
      somethingNew: { kept: true },
    });
    expect(spec).not.toHaveProperty("computeEnvironmentName");
    expect(spec).not.toHaveProperty("state");
  });

  it.each([
    [
      { type: "HYBRID" },
      "Value \"HYBRID\" at 'type' failed to satisfy constraint: Member must satisfy enum value set: [MANAGED, UNMANAGED]",
    ],
    [{ type: "MANAGED", state: "ON" }, "at 'state' failed to satisfy constraint"],
    [{ type: "MANAGED", computeResources: { type: "GPU", maxvCpus: 1 } }, "at 'computeResources.type'"],
    [{ type: "MANAGED", computeResources: { type: "EC2" } }, "computeResources.maxvCpus must be an integer"],
    [
      { type: "MANAGED", computeResources: { type: "EC2", maxvCpus: -1 } },
      "computeResources.maxvCpus must be an integer at least 0",
    ],
    [
      { type: "MANAGED", computeResources: { type: "EC2", maxvCpus: 2, minvCpus: 4 } },
      "minvCpus (4) must not be greater than maxvCpus (2)",
    ],
    [
      { type: "MANAGED", computeResources: { type: "EC2", maxvCpus: 2, desiredvCpus: 3 } },
      "desiredvCpus (3) must not be greater",
    ],
    [{ type: "MANAGED", unmanagedvCpus: 4 }, "unmanagedvCpus can only be specified for an UNMANAGED"],
    [
      { type: "UNMANAGED", computeResources: { type: "EC2", maxvCpus: 2 } },
      "computeResources can't be specified for an UNMANAGED",
    ],
    [{ type: "MANAGED", tags: { "batchdeck:memoryMiB": "lots" } }, "batchdeck:memoryMiB must be a whole number"],
    [{ type: "MANAGED", tags: { "batchdeck:gpuIds": "0,,1" } }, "batchdeck:gpuIds must be a comma-separated list"],
    [{ type: "MANAGED", tags: { "aws:x": "1" } }, 'reserved prefix "aws:"'],
  ])("refuses %j", (fields, message) => {
    expect(firstError(createComputeEnvironmentInput.safeParse({ computeEnvironmentName: "ce", ...fields }))).toContain(
      message,
    );
  });

  it("refuses a request too large to store", () => {
    const big = { computeEnvironmentName: "ce", type: "MANAGED", junk: "x".repeat(70 * 1024) };
    expect(firstError(createComputeEnvironmentInput.safeParse(big))).toContain("at most 65536 bytes");
    expect(
      firstError(updateComputeEnvironmentInput.safeParse({ computeEnvironment: "ce", junk: "x".repeat(70 * 1024) })),
    ).toContain("at most 65536 bytes");
  });

  it("refuses a bad name with the name rule", () => {
    expect(
      firstError(createComputeEnvironmentInput.safeParse({ computeEnvironmentName: "a b", type: "MANAGED" })),
    ).toContain("computeEnvironmentName can contain only letters");
  });

  it("does not let an update switch the allocation strategy to BEST_FIT", () => {
    const r = updateComputeEnvironmentInput.safeParse({
      computeEnvironment: "ce",
      computeResources: { allocationStrategy: "BEST_FIT" },
    });
    expect(firstError(r)).toContain("at 'computeResources.allocationStrategy'");
  });
});

describe("built-in capacity", () => {
  it.each([
    [
      "MANAGED with maxvCpus",
      { type: "MANAGED", spec: { computeResources: { maxvCpus: 3 } }, tags: {} },
      { maxVcpus: 3, memoryMiB: 16000, gpuIds: [] },
    ],
    [
      "MANAGED without computeResources",
      { type: "MANAGED", spec: {}, tags: {} },
      { maxVcpus: 8, memoryMiB: 16000, gpuIds: [] },
    ],
    [
      "UNMANAGED with unmanagedvCpus",
      { type: "UNMANAGED", spec: { unmanagedvCpus: 2 }, tags: {} },
      { maxVcpus: 2, memoryMiB: 16000, gpuIds: [] },
    ],
    [
      "UNMANAGED ignores computeResources",
      { type: "UNMANAGED", spec: { computeResources: { maxvCpus: 5 } }, tags: {} },
      { maxVcpus: 8, memoryMiB: 16000, gpuIds: [] },
    ],
    [
      "tags give memory and GPUs",
      { type: "MANAGED", spec: {}, tags: { "batchdeck:memoryMiB": "4096", "batchdeck:gpuIds": "0, 1,1" } },
      { maxVcpus: 8, memoryMiB: 4096, gpuIds: ["0", "1"] },
    ],
  ])("%s", (_label, ce, expected) => {
    expect(builtinCapacity(ce, host)).toEqual(expected);
  });

  it("reads an empty GPU tag as no GPUs and validates tags", () => {
    expect(gpuIdsFromTag("")).toEqual([]);
    expect(capacityTagProblems({ "batchdeck:memoryMiB": "0" })).toHaveLength(1);
    expect(capacityTagProblems({ "batchdeck:memoryMiB": "512", "batchdeck:gpuIds": "GPU-a,GPU-b" })).toEqual([]);
  });
});

describe("ComputeEnvironmentDetail", () => {
  it("combines columns and the stored request", () => {
    const detail = computeEnvironmentDetail({
      id: "uuid-1",
      name: "ce",
      arn: "arn:aws:batch:us-east-1:123456789012:compute-environment/ce",
      type: "MANAGED",
      state: "ENABLED",
      status: "VALID",
      statusReason: null,
      spec: JSON.stringify({ computeResources: { type: "EC2", maxvCpus: 2 }, serviceRole: "r" }),
      tags: JSON.stringify({ team: "a" }),
    });
    expect(detail).toEqual({
      computeEnvironmentName: "ce",
      computeEnvironmentArn: "arn:aws:batch:us-east-1:123456789012:compute-environment/ce",
      uuid: "uuid-1",
      type: "MANAGED",
      state: "ENABLED",
      status: "VALID",
      computeResources: { type: "EC2", maxvCpus: 2 },
      serviceRole: "r",
      containerOrchestrationType: "ECS",
      tags: { team: "a" },
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  describeJobDefinitionsInput,
  jobDefinitionDetail,
  jobDefinitionSpecOf,
  registerJobDefinitionAwsInput,
  registerJobDefinitionInput,
} from "./job-definitions";

const base = {
  jobDefinitionName: "def",
  type: "container",
  containerProperties: { image: "busybox", command: ["true"] },
};
const err = (raw: unknown) => registerJobDefinitionInput.safeParse(raw).error?.issues[0]?.message;
const withContainer = (extra: Record<string, unknown>) => ({
  ...base,
  containerProperties: { ...base.containerProperties, ...extra },
});

describe("RegisterJobDefinition request", () => {
  it("accepts a full container definition, upper-cases retry actions and keeps unknown fields", () => {
    const input = registerJobDefinitionInput.parse({
      ...base,
      containerProperties: {
        image: "busybox",
        command: ["echo", "Ref::msg"],
        environment: [{ name: "A", value: "1" }],
        resourceRequirements: [
          { type: "VCPU", value: "0.5" },
          { type: "MEMORY", value: "512" },
          { type: "GPU", value: "1" },
        ],
        jobRoleArn: "arn:aws:iam::123456789012:role/r",
        vcpus: 1,
        memory: 128,
      },
      parameters: { msg: "hi" },
      retryStrategy: {
        attempts: 3,
        evaluateOnExit: [
          { onExitCode: "1*", action: "retry" },
          { onReason: "*", action: "EXIT" },
        ],
      },
      timeout: { attemptDurationSeconds: 60 },
      schedulingPriority: 9999,
      propagateTags: true,
      platformCapabilities: ["EC2"],
      consumableResourceProperties: { consumableResourceList: [] },
    });
    expect(input.retryStrategy?.evaluateOnExit?.[0]?.action).toBe("RETRY");
    expect(input.containerProperties?.jobRoleArn).toBe("arn:aws:iam::123456789012:role/r");
    expect(jobDefinitionSpecOf(input)).toEqual({ consumableResourceProperties: { consumableResourceList: [] } });
  });

  it.each([
    [{ ...base, type: "docker" }, "Member must satisfy enum value set: [container, multinode]"],
    [{ ...base, type: "multinode" }, "multinode) job definitions are not supported"],
    [{ ...base, containerProperties: undefined }, "containerProperties is required"],
    [{ ...base, ecsProperties: {} }, "ecsProperties is not supported"],
    [withContainer({ image: "" }), "containerProperties.image must not be empty"],
    [withContainer({ image: "x".repeat(256) }), "at most 255 characters"],
    [withContainer({ resourceRequirements: [{ type: "DISK", value: "1" }] }), "at 'resourceRequirements.type'"],
    [
      withContainer({ resourceRequirements: [{ type: "VCPU", value: "0" }] }),
      'VCPU value "0" must be a positive number',
    ],
    [
      withContainer({ resourceRequirements: [{ type: "MEMORY", value: "3" }] }),
      'MEMORY value "3" must be a whole number of MiB, at least 4',
    ],
    [withContainer({ resourceRequirements: [{ type: "GPU", value: "1.5" }] }), 'GPU value "1.5"'],
    [withContainer({ resourceRequirements: [{ type: "VCPU", value: 2 }] }), "must be a string"],
    [
      withContainer({
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "VCPU", value: "2" },
        ],
      }),
      "only once",
    ],
    [withContainer({ environment: [{ name: "AWS_BATCH_JOB_ID", value: "x" }] }), "reserved"],
    [withContainer({ memory: 2 }), "containerProperties.memory must be an integer at least 4"],
    [{ ...base, retryStrategy: { attempts: 0 } }, "retryStrategy.attempts must be an integer between 1 and 10"],
    [{ ...base, retryStrategy: { attempts: 11 } }, "between 1 and 10"],
    [{ ...base, retryStrategy: { evaluateOnExit: [{ action: "EXIT" }] } }, "attempts must be set when"],
    [
      {
        ...base,
        retryStrategy: { attempts: 2, evaluateOnExit: Array.from({ length: 6 }, () => ({ action: "EXIT" })) },
      },
      "at most 5 entries",
    ],
    [{ ...base, retryStrategy: { attempts: 2, evaluateOnExit: [{ action: "MAYBE" }] } }, "at 'evaluateOnExit.action'"],
    [
      { ...base, retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: "1a", action: "EXIT" }] } },
      "onExitCode must be",
    ],
    [
      { ...base, retryStrategy: { attempts: 2, evaluateOnExit: [{ onReason: "a*b*", action: "EXIT" }] } },
      "onReason must be",
    ],
    [
      { ...base, timeout: { attemptDurationSeconds: 59 } },
      "timeout.attemptDurationSeconds must be an integer at least 60",
    ],
    [{ ...base, schedulingPriority: 10000 }, "schedulingPriority must be an integer between 0 and 9999"],
    [{ ...base, parameters: { a: 1 } }, "parameters values must be strings"],
    [{ ...base, platformCapabilities: ["LAMBDA"] }, "at 'platformCapabilities'"],
    [{ ...base, jobDefinitionName: "x".repeat(129) }, "at most 128 characters"],
  ])("refuses %j", (raw, message) => {
    expect(err(raw)).toContain(message);
  });
});

describe("RegisterJobDefinition size", () => {
  it("refuses a definition over 24 KiB", () => {
    expect(err(withContainer({ command: ["x".repeat(25 * 1024)] }))).toContain("at most 24576 bytes");
  });
});

describe("DescribeJobDefinitions request", () => {
  it("does not combine a list with name or status", () => {
    expect(describeJobDefinitionsInput.safeParse({ jobDefinitions: ["a:1"], status: "ACTIVE" }).success).toBe(false);
    expect(describeJobDefinitionsInput.safeParse({ jobDefinitionName: "a", status: "INACTIVE" }).success).toBe(true);
    expect(describeJobDefinitionsInput.safeParse({ status: "DELETED" }).success).toBe(false);
    expect(describeJobDefinitionsInput.safeParse({ jobDefinitions: Array(101).fill("a:1") }).success).toBe(false);
  });
});

describe("JobDefinition response", () => {
  it("returns stored JSON as objects", () => {
    expect(
      jobDefinitionDetail({
        name: "def",
        arn: "arn:def:2",
        revision: 2,
        status: "ACTIVE",
        type: "container",
        containerProperties: JSON.stringify({ image: "busybox" }),
        parameters: "{}",
        retryStrategy: JSON.stringify({ attempts: 2 }),
        timeout: null,
        schedulingPriority: null,
        propagateTags: false,
        platformCapabilities: "[]",
        spec: "{}",
        tags: JSON.stringify({ a: "b" }),
      }),
    ).toEqual({
      jobDefinitionName: "def",
      jobDefinitionArn: "arn:def:2",
      revision: 2,
      status: "ACTIVE",
      type: "container",
      parameters: {},
      retryStrategy: { attempts: 2 },
      containerProperties: { image: "busybox" },
      propagateTags: false,
      containerOrchestrationType: "ECS",
      tags: { a: "b" },
    });
  });
});

describe("RegisterJobDefinition as AWS accepts it (organizations on the AWS backend)", () => {
  it.each([
    { jobDefinitionName: "mnp", type: "multinode", nodeProperties: { numNodes: 2, mainNode: 0 } },
    { jobDefinitionName: "eks", type: "container", eksProperties: { podProperties: { containers: [] } } },
    { jobDefinitionName: "ecs", type: "container", ecsProperties: { taskProperties: [] } },
  ])("passes %j through whole, which the built-in schema refuses", (raw) => {
    expect(registerJobDefinitionAwsInput.parse(raw)).toEqual(raw);
    expect(err(raw)).toMatch(/not supported by the built-in backend.*AWS Batch backend/);
  });

  it("still checks what both share", () => {
    expect(registerJobDefinitionAwsInput.safeParse({ ...base, type: "docker" }).success).toBe(false);
  });
});

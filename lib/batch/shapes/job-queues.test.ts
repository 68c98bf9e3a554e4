import { describe, expect, it } from "vitest";
import {
  createJobQueueAwsInput,
  createJobQueueInput,
  jobQueueDetail,
  jobQueueSpecOf,
  updateJobQueueAwsInput,
  updateJobQueueInput,
} from "./job-queues";

const base = { jobQueueName: "q", priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }] };
const err = (raw: unknown) => createJobQueueInput.safeParse(raw).error?.issues[0]?.message;
const action = { reason: "stuck", state: "RUNNABLE", maxTimeSeconds: 600, action: "CANCEL" };

describe("CreateJobQueue request", () => {
  it("accepts a request with time-limit actions and keeps unknown fields for spec", () => {
    const input = createJobQueueInput.parse({
      ...base,
      jobStateTimeLimitActions: [action, { ...action, maxTimeSeconds: 86400 }],
      jobQueueType: "ECS",
      extra: 1,
    });
    expect(jobQueueSpecOf(input)).toEqual({ jobQueueType: "ECS", extra: 1 });
  });

  it("keeps extra fields nested up to 64 levels, and refuses one level more", () => {
    const nested = (levels: number) => {
      let v: unknown = "x";
      for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
      return v;
    };
    // The request object itself is the first level.
    expect(createJobQueueInput.safeParse({ ...base, extra: nested(63) }).success).toBe(true);
    expect(err({ ...base, extra: nested(64) })).toBe("The request is nested too deeply to store: at most 64 levels.");
    // Deep enough that the API's response writer would overflow its stack (a 500 on every
    // later DescribeJobQueues), though the plain size check alone would still pass it.
    expect(err({ ...base, extra: nested(3_000) })).toMatch(/nested too deeply/);
  });

  it.each([
    [{ ...base, priority: 1.5 }, "priority must be an integer"],
    [{ ...base, priority: -1 }, "priority must be an integer"],
    [{ ...base, state: "PAUSED" }, "at 'state' failed to satisfy constraint"],
    [{ ...base, computeEnvironmentOrder: [] }, "at least 1 entry"],
    [
      {
        ...base,
        computeEnvironmentOrder: [1, 2, 3, 4].map((order) => ({ order, computeEnvironment: `ce${order}` })),
      },
      "at most 3 entries",
    ],
    [
      {
        ...base,
        computeEnvironmentOrder: [
          { order: 1, computeEnvironment: "a" },
          { order: 1, computeEnvironment: "b" },
        ],
      },
      "distinct order values",
    ],
    [
      {
        ...base,
        computeEnvironmentOrder: [
          { order: 1, computeEnvironment: "a" },
          { order: 2, computeEnvironment: "a" },
        ],
      },
      "only once",
    ],
    [{ ...base, jobStateTimeLimitActions: [{ ...action, state: "PENDING" }] }, "at 'jobStateTimeLimitActions.state'"],
    [{ ...base, jobStateTimeLimitActions: [{ ...action, maxTimeSeconds: 599 }] }, "between 600 and 86400"],
    [{ ...base, jobStateTimeLimitActions: [{ ...action, maxTimeSeconds: 86401 }] }, "between 600 and 86400"],
    [{ ...base, jobStateTimeLimitActions: [{ ...action, action: "TERMINATE" }] }, "only to SageMaker Training queues"],
    [
      { ...base, jobStateTimeLimitActions: [{ ...action, action: "KILL" }] },
      "Member must satisfy enum value set: [CANCEL]",
    ],
    [{ ...base, jobStateTimeLimitActions: [{ ...action, reason: "" }] }, "reason must not be empty"],
    [{ ...base, jobQueueType: "SAGEMAKER_TRAINING" }, "SAGEMAKER_TRAINING is not supported"],
    [{ ...base, serviceEnvironmentOrder: [] }, "serviceEnvironmentOrder is not supported"],
    [{ ...base, jobQueueName: "bad name" }, "jobQueueName can contain only"],
  ])("refuses %j", (raw, message) => {
    expect(err(raw)).toContain(message);
  });

  it("refuses a request too large to store", () => {
    expect(err({ ...base, junk: "x".repeat(70 * 1024) })).toContain("at most 65536 bytes");
  });

  it("lets an update leave everything out but the queue", () => {
    expect(updateJobQueueInput.safeParse({ jobQueue: "q" }).success).toBe(true);
    expect(updateJobQueueInput.safeParse({}).success).toBe(false);
  });
});

describe("JobQueueDetail", () => {
  it("orders compute environments and names them by ARN", () => {
    const detail = jobQueueDetail({
      name: "q",
      arn: "arn:q",
      state: "ENABLED",
      status: "VALID",
      statusReason: null,
      priority: 5,
      jobStateTimeLimitActions: JSON.stringify([action]),
      spec: "{}",
      tags: "{}",
      schedulingPolicy: { arn: "arn:p" },
      computeEnvironments: [
        { order: 2, computeEnvironment: { arn: "arn:b" } },
        { order: 1, computeEnvironment: { arn: "arn:a" } },
      ],
    });
    expect(detail).toEqual({
      jobQueueName: "q",
      jobQueueArn: "arn:q",
      state: "ENABLED",
      status: "VALID",
      priority: 5,
      schedulingPolicyArn: "arn:p",
      computeEnvironmentOrder: [
        { order: 1, computeEnvironment: "arn:a" },
        { order: 2, computeEnvironment: "arn:b" },
      ],
      jobStateTimeLimitActions: [action],
      jobQueueType: "ECS",
      tags: {},
    });
  });
});

describe("job queues as AWS accepts them (organizations on the AWS backend)", () => {
  const sagemaker = {
    jobQueueName: "sm",
    priority: 1,
    jobQueueType: "SAGEMAKER_TRAINING",
    serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: "se" }],
    jobStateTimeLimitActions: [{ ...action, action: "TERMINATE" }],
  };

  it("passes a SageMaker Training queue through whole, which the built-in schema refuses", () => {
    expect(createJobQueueAwsInput.parse(sagemaker)).toEqual(sagemaker);
    expect(createJobQueueInput.safeParse(sagemaker).success).toBe(false);
    const update = { jobQueue: "sm", serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: "se2" }] };
    expect(updateJobQueueAwsInput.parse(update)).toEqual(update);
    expect(updateJobQueueInput.safeParse(update).error?.issues[0]?.message).toMatch(/serviceEnvironmentOrder/);
  });
});

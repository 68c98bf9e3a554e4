import { describe, expect, it } from "vitest";
import type { JobAttempt } from "@/generated/sqlite/client";
import {
  describeJobsInput,
  type JobRow,
  listJobsInput,
  MAX_DEPENDENCIES,
  submitJobAwsInput,
  submitJobInput,
  terminateJobsInput,
  toJobDetail,
  toJobSummary,
} from "./jobs";

const base = { jobName: "j", jobQueue: "q", jobDefinition: "d" };

describe("submitJobInput", () => {
  const cases: { name: string; input: Record<string, unknown>; error?: RegExp }[] = [
    { name: "minimal", input: base },
    { name: "name of 128", input: { ...base, jobName: `a${"b".repeat(127)}` } },
    { name: "name of 129", input: { ...base, jobName: `a${"b".repeat(128)}` }, error: /at most 128/ },
    { name: "name starting with underscore", input: { ...base, jobName: "_x" }, error: /start with/ },
    { name: "array of 2", input: { ...base, arrayProperties: { size: 2 } } },
    { name: "array of 10000", input: { ...base, arrayProperties: { size: 10_000 } } },
    { name: "array of 2.5", input: { ...base, arrayProperties: { size: 2.5 } }, error: /whole number/ },
    { name: "memory override of 4 MiB", input: { ...base, containerOverrides: { memory: 4 } } },
    {
      name: "memory override past 32 bits",
      input: { ...base, containerOverrides: { memory: 2 ** 31 } },
      error: /containerOverrides.memory must be a 32-bit integer/,
    },
    {
      name: "vcpus override of 0",
      input: { ...base, containerOverrides: { vcpus: 0 } },
      error: /containerOverrides.vcpus must be an integer at least 1/,
    },
    {
      name: `${MAX_DEPENDENCIES} dependencies`,
      input: { ...base, dependsOn: Array.from({ length: MAX_DEPENDENCIES }, (_, i) => ({ jobId: `j${i}` })) },
    },
    { name: "unknown dependency type", input: { ...base, dependsOn: [{ jobId: "x", type: "ALL" }] }, error: /N_TO_N/ },
    {
      name: "evaluateOnExit action in lower case",
      input: { ...base, retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: "1", action: "retry" }] } },
    },
    {
      name: "six evaluateOnExit rules",
      input: { ...base, retryStrategy: { attempts: 2, evaluateOnExit: Array(6).fill({ action: "EXIT" }) } },
      error: /at most 5/,
    },
    {
      name: "unknown evaluateOnExit action",
      input: { ...base, retryStrategy: { attempts: 2, evaluateOnExit: [{ action: "MAYBE" }] } },
      error: /RETRY or EXIT/,
    },
    {
      name: "51 tags",
      input: { ...base, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
      error: /at most 50/,
    },
    { name: "eks override", input: { ...base, eksPropertiesOverride: {} }, error: /not supported/ },
    { name: "missing queue", input: { jobName: "j", jobDefinition: "d" }, error: /jobQueue is required/ },
  ];
  it.each(cases)("$name", ({ input, error }) => {
    const parsed = submitJobInput.safeParse(input);
    if (error) {
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message).join("\n")).toMatch(error);
    } else {
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
  });

  it("upper-cases evaluateOnExit actions", () => {
    const parsed = submitJobInput.parse({
      ...base,
      retryStrategy: { attempts: 2, evaluateOnExit: [{ action: "exit" }] },
    });
    expect(parsed.retryStrategy?.evaluateOnExit?.[0]?.action).toBe("EXIT");
  });

  // Found by the bad-input fuzzing: 2^31 passed validation and failed PostgreSQL's Int column.
  it("refuses integers beyond 32 bits with a message naming the field", () => {
    const parsed = submitJobInput.safeParse({ ...base, timeout: { attemptDurationSeconds: 2 ** 31 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      "timeout.attemptDurationSeconds must be a 32-bit integer (at most 2147483647).",
    );
    expect(submitJobInput.safeParse({ ...base, timeout: { attemptDurationSeconds: 2 ** 31 - 1 } }).success).toBe(true);
  });
});

describe("request limits", () => {
  it("caps DescribeJobs at 100 and TerminateJobs at 50 ids with AWS's message", () => {
    expect(describeJobsInput.safeParse({ jobs: Array(100).fill("x") }).success).toBe(true);
    expect(describeJobsInput.safeParse({ jobs: Array(101).fill("x") }).error?.issues[0]?.message).toBe(
      "Maximum number of jobs supported is 100",
    );
    expect(terminateJobsInput.safeParse({ jobs: Array(51).fill("x"), reason: "r" }).error?.issues[0]?.message).toBe(
      "Maximum number of jobs supported is 50",
    );
  });

  const listCases: { name: string; input: Record<string, unknown>; ok: boolean }[] = [
    { name: "queue", input: { jobQueue: "q" }, ok: true },
    { name: "array", input: { arrayJobId: "a" }, ok: true },
    { name: "multi-node", input: { multiNodeJobId: "m" }, ok: true },
    { name: "no scope", input: {}, ok: false },
    { name: "two scopes", input: { jobQueue: "q", arrayJobId: "a" }, ok: false },
    { name: "maxResults 0", input: { jobQueue: "q", maxResults: 0 }, ok: false },
    { name: "maxResults 1000", input: { jobQueue: "q", maxResults: 1000 }, ok: true },
    { name: "unknown filter", input: { jobQueue: "q", filters: [{ name: "OWNER", values: ["x"] }] }, ok: false },
    { name: "two values", input: { jobQueue: "q", filters: [{ name: "JOB_NAME", values: ["a", "b"] }] }, ok: false },
    {
      name: "same filter twice",
      input: {
        jobQueue: "q",
        filters: [
          { name: "JOB_NAME", values: ["a"] },
          { name: "JOB_NAME", values: ["b"] },
        ],
      },
      ok: false,
    },
    {
      name: "time filter",
      input: { jobQueue: "q", filters: [{ name: "AFTER_CREATED_AT", values: ["1700000000000"] }] },
      ok: true,
    },
  ];
  it.each(listCases)("ListJobs: $name", ({ input, ok }) => {
    expect(listJobsInput.safeParse(input).success).toBe(ok);
  });
});

function row(overrides: Partial<JobRow> = {}): JobRow {
  return {
    id: "job-1",
    organizationId: "org",
    name: "name",
    jobQueueId: "q",
    jobDefinitionId: "d",
    status: "RUNNING",
    statusReason: null,
    createdAt: 1_000n,
    updatedAt: 2_000n,
    runnableAt: 1_000n,
    startedAt: 1_500n,
    stoppedAt: null,
    schedulingPriority: 0,
    shareIdentifier: null,
    arrayParentId: null,
    arrayIndex: null,
    arraySize: null,
    pendingDependencies: 0,
    attemptsAllowed: 1,
    attemptCount: 1,
    vcpus: 0.5,
    memoryMiB: 128,
    gpus: 1,
    container: JSON.stringify({
      image: "img",
      command: ["echo"],
      environment: [{ name: "A", value: "1" }],
      vcpus: 0.5,
      memoryMiB: 128,
      gpus: 1,
      extra: { jobRoleArn: "role" },
    }),
    parameters: '{"p":"v"}',
    retryStrategy: '{"attempts":2}',
    timeoutSeconds: 90,
    tags: '{"t":"1"}',
    propagateTags: false,
    computeEnvironmentId: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    stopRequest: null,
    stopReason: null,
    exitCode: null,
    submittedById: null,
    jobQueue: { arn: "arn:queue" },
    jobDefinition: { arn: "arn:def:1" },
    ...overrides,
  } as JobRow;
}

const attempt = (n: number, extra: Partial<JobAttempt> = {}): JobAttempt =>
  ({
    id: `a${n}`,
    jobId: "job-1",
    attemptNumber: n,
    computeEnvironmentId: null,
    startedAt: BigInt(n * 100),
    stoppedAt: BigInt(n * 100 + 50),
    exitCode: n,
    reason: `reason ${n}`,
    statusReason: `status ${n}`,
    logStreamName: `def/default/job-1-${n}`,
    enforcedLimits: "{}",
    ...extra,
  }) as JobAttempt;

describe("toJobSummary / toJobDetail", () => {
  it("builds a summary with epoch-millisecond numbers and no nulls", () => {
    const s = toJobSummary(
      row({ exitCode: 2, stoppedAt: 3_000n, status: "FAILED" }),
      { accountId: "123456789012" },
      "why",
    );
    expect(s).toEqual({
      jobArn: "arn:aws:batch:us-east-1:123456789012:job/job-1",
      jobId: "job-1",
      jobName: "name",
      jobDefinition: "arn:def:1",
      status: "FAILED",
      createdAt: 1_000,
      startedAt: 1_500,
      stoppedAt: 3_000,
      container: { exitCode: 2, reason: "why" },
    });
    expect(toJobSummary(row({ arrayIndex: 4, arrayParentId: "p" }), { accountId: "1" }).arrayProperties).toEqual({
      index: 4,
    });
  });

  it("builds the detail: container from the resolved JSON, attempts in order, flags", () => {
    const d = toJobDetail(
      row({ stopRequest: "TERMINATE", exitCode: 9 }),
      { accountId: "123456789012" },
      {
        attempts: [attempt(2), attempt(1)],
        dependsOn: [{ jobId: "x", type: "N_TO_N" }],
      },
    );
    expect(d).toMatchObject({
      jobQueue: "arn:queue",
      jobDefinition: "arn:def:1",
      parameters: { p: "v" },
      retryStrategy: { attempts: 2 },
      timeout: { attemptDurationSeconds: 90 },
      tags: { t: "1" },
      isTerminated: true,
      isCancelled: false,
      dependsOn: [{ jobId: "x", type: "N_TO_N" }],
      platformCapabilities: ["EC2"],
    });
    expect(d.container).toEqual({
      jobRoleArn: "role",
      image: "img",
      command: ["echo"],
      environment: [{ name: "A", value: "1" }],
      resourceRequirements: [
        { type: "VCPU", value: "0.5" },
        { type: "MEMORY", value: "128" },
        { type: "GPU", value: "1" },
      ],
      exitCode: 9,
      reason: "reason 2",
      logStreamName: "def/default/job-1-2",
    });
    expect(d.attempts.map((a) => a.container.exitCode)).toEqual([1, 2]);
    expect(d.attempts[0]).toEqual({
      container: { exitCode: 1, reason: "reason 1", logStreamName: "def/default/job-1-1" },
      startedAt: 100,
      stoppedAt: 150,
      statusReason: "status 1",
    });
    expect(d).not.toHaveProperty("statusReason");
    expect(d).not.toHaveProperty("arrayProperties");
  });

  it("gives array parents a full status summary", () => {
    const d = toJobDetail(
      row({ arraySize: 3, status: "PENDING" }),
      { accountId: "1" },
      {
        attempts: [],
        dependsOn: [],
        statusSummary: { RUNNING: 1, SUCCEEDED: 2 },
      },
    );
    expect(d.arrayProperties).toEqual({
      size: 3,
      statusSummary: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 0 },
      statusSummaryLastUpdatedAt: 2_000,
    });
  });
});

describe("SubmitJob as AWS accepts it (organizations on the AWS backend)", () => {
  it.each([
    "nodeOverrides",
    "ecsPropertiesOverride",
    "eksPropertiesOverride",
  ])("passes %s through whole, which the built-in schema refuses", (field) => {
    const raw = { ...base, [field]: { numNodes: 2 } };
    expect(submitJobAwsInput.parse(raw)).toEqual(raw);
    expect(submitJobInput.safeParse(raw).error?.issues[0]?.message).toMatch(
      `${field} is not supported by the built-in backend`,
    );
  });
});

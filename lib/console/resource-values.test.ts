import { describe, expect, it } from "vitest";
import { computeEnvironmentDetail } from "@/lib/batch/shapes/compute-environments";
import { jobQueueDetail } from "@/lib/batch/shapes/job-queues";
import { valuesFromDetail } from "./compute-environment-values";
import { groupErrors, numberField } from "./field-errors";
import { environmentsToSubmit, jobQueueRow, jobQueueValuesFromDetail } from "./job-queue-values";
import { schedulingPolicyValuesFromDetail } from "./scheduling-policy-values";

const ARN = "arn:aws:batch:us-east-1:123456789012";

describe("edit forms start from the described resource", () => {
  it("reads a compute environment's capacity from its shape and capacity tags", () => {
    const detail = computeEnvironmentDetail({
      id: "1",
      name: "gpu",
      arn: `${ARN}:compute-environment/gpu`,
      type: "MANAGED",
      state: "DISABLED",
      status: "VALID",
      statusReason: null,
      spec: JSON.stringify({ computeResources: { type: "EC2", maxvCpus: 8 } }),
      tags: JSON.stringify({ "batchdeck:memoryMiB": "4096", "batchdeck:gpuIds": "0,1", team: "ml" }),
    });
    expect(valuesFromDetail(detail)).toEqual({
      name: "gpu",
      type: "MANAGED",
      state: "DISABLED",
      maxvCpus: "8",
      memoryMiB: "4096",
      gpuIds: "0,1",
      tags: [{ key: "team", value: "ml" }],
    });
    const unmanaged = computeEnvironmentDetail({
      id: "2",
      name: "u",
      arn: `${ARN}:compute-environment/u`,
      type: "UNMANAGED",
      state: "ENABLED",
      status: "VALID",
      statusReason: null,
      spec: JSON.stringify({ unmanagedvCpus: 2 }),
      tags: "{}",
    });
    expect(valuesFromDetail(unmanaged)).toMatchObject({ type: "UNMANAGED", maxvCpus: "2", memoryMiB: "" });
  });

  it("reads a queue's environments in order, and its policy by name", () => {
    const detail = jobQueueDetail({
      name: "q",
      arn: `${ARN}:job-queue/q`,
      state: "ENABLED",
      status: "VALID",
      statusReason: null,
      priority: 7,
      jobStateTimeLimitActions: JSON.stringify([
        { reason: "stuck", state: "RUNNABLE", maxTimeSeconds: 600, action: "CANCEL" },
      ]),
      spec: "{}",
      tags: "{}",
      schedulingPolicy: { arn: `${ARN}:scheduling-policy/fair` },
      computeEnvironments: [
        { order: 2, computeEnvironment: { arn: `${ARN}:compute-environment/second` } },
        { order: 1, computeEnvironment: { arn: `${ARN}:compute-environment/first` } },
      ],
    });
    expect(jobQueueValuesFromDetail(detail)).toEqual({
      name: "q",
      priority: "7",
      state: "ENABLED",
      environments: ["first", "second"],
      schedulingPolicyArn: `${ARN}:scheduling-policy/fair`,
      timeLimits: [{ reason: "stuck", maxTimeSeconds: "600" }],
    });
    const row = jobQueueRow(detail, new Map([[`${ARN}:scheduling-policy/fair`, "fair"]]));
    expect(row).toMatchObject({ environments: ["first", "second"], schedulingPolicy: "fair", priority: 7 });
  });

  it("reads a fair-share policy, leaving unset numbers empty", () => {
    expect(
      schedulingPolicyValuesFromDetail({
        name: "p",
        arn: `${ARN}:scheduling-policy/p`,
        fairsharePolicy: { computeReservation: 5, shareDistribution: [{ shareIdentifier: "a*" }] },
      }),
    ).toEqual({
      name: "p",
      arn: `${ARN}:scheduling-policy/p`,
      shareDecaySeconds: "",
      computeReservation: "5",
      shares: [{ shareIdentifier: "a*", weightFactor: "" }],
    });
  });
});

describe("form helpers", () => {
  it("keeps a number field's text when it is not a number, so the server names the bad value", () => {
    expect([numberField(""), numberField(" 12 "), numberField("0.5"), numberField("ten")]).toEqual([
      undefined,
      12,
      0.5,
      "ten",
    ]);
  });

  it("puts every server error under a field, or under _ when no field claims it", () => {
    const grouped = groupErrors({ priority: ["bad"], "computeEnvironmentOrder.0": ["x", "y"], odd: ["z"] }, (path) =>
      path === "priority" ? "priority" : path.startsWith("computeEnvironmentOrder") ? "environments" : "_",
    );
    expect(grouped).toEqual({ priority: ["bad"], environments: ["x", "y"], _: ["z"] });
  });
});

describe("environmentsToSubmit", () => {
  it("counts an environment chosen but not added, while the queue has room", () => {
    expect(environmentsToSubmit([], "a")).toEqual(["a"]);
    expect(environmentsToSubmit(["a"], "b")).toEqual(["a", "b"]);
    expect(environmentsToSubmit(["a"], "")).toEqual(["a"]);
    expect(environmentsToSubmit(["a"], "a")).toEqual(["a"]);
    expect(environmentsToSubmit(["a", "b", "c"], "d")).toEqual(["a", "b", "c"]);
  });
});

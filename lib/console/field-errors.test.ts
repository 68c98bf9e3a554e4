import { describe, expect, it } from "vitest";
import { SUBMIT_JOB_FIELDS, SUBMIT_JOB_LABELS } from "@/lib/batch/submit-form";
import { COMPUTE_ENVIRONMENT_LABELS } from "./compute-environment-values";
import { groupErrors, inLabels, summaryItems } from "./field-errors";

describe("inLabels", () => {
  it.each([
    [
      "timeout.attemptDurationSeconds must be an integer at least 60.",
      SUBMIT_JOB_LABELS,
      "Attempt timeout (seconds) must be an integer at least 60.",
    ],
    [
      "jobName can contain only letters, numbers, hyphens (-) and underscores (_); found space.",
      SUBMIT_JOB_LABELS,
      "Job name can contain only letters, numbers, hyphens (-) and underscores (_); found space.",
    ],
    ["retryStrategy.attempts must be between 1 and 10.", SUBMIT_JOB_LABELS, "Attempts must be between 1 and 10."],
    ["computeEnvironmentName must not be empty.", COMPUTE_ENVIRONMENT_LABELS, "Name must not be empty."],
    [
      'Tag batchdeck:memoryMiB must be a whole number of MiB greater than 0 (got "abc").',
      COMPUTE_ENVIRONMENT_LABELS,
      'Memory (MiB) must be a whole number of MiB greater than 0 (got "abc").',
    ],
    [
      "computeResources.minvCpus (4) must not be greater than maxvCpus (2).",
      COMPUTE_ENVIRONMENT_LABELS,
      // minvCpus has no field in this form: left as it is; the path of a mapped name wins over its last part.
      "computeResources.minvCpus (4) must not be greater than Maximum vCPUs (2).",
    ],
  ])("%s", (message, labels, expected) => {
    expect(inLabels(message, labels)).toBe(expected);
  });

  it("replaces whole names only, never a part of a longer one", () => {
    const labels = { jobQueue: "Job queue", priority: "Priority" };
    expect(inLabels("jobQueueName and the jobQueues and priorityOverride", labels)).toBe(
      "jobQueueName and the jobQueues and priorityOverride",
    );
    expect(inLabels("jobQueue: priority must be set; jobQueue again", labels)).toBe(
      "Job queue: Priority must be set; Job queue again",
    );
  });
});

describe("groupErrors with labels", () => {
  it("groups by field and tells each message in the form's words", () => {
    const grouped = groupErrors(
      { computeEnvironmentName: ["computeEnvironmentName must not be empty."], odd: ["maxvCpus is odd"] },
      (path) => (path === "computeEnvironmentName" ? "name" : "_"),
      COMPUTE_ENVIRONMENT_LABELS,
    );
    expect(grouped).toEqual({ name: ["Name must not be empty."], _: ["Maximum vCPUs is odd"] });
  });
});

describe("summaryItems", () => {
  it("lists the form's own errors first, then fields in the form's order, then fields it does not know", () => {
    const items = summaryItems(
      {
        timeoutSeconds: ["Attempt timeout (seconds) must be at least 60."],
        mystery: ["?"],
        jobName: ["Job name is required."],
        _: ["Fix the JSON request first."],
        tags: [],
      },
      SUBMIT_JOB_FIELDS,
    );
    expect(items).toEqual([
      { field: null, label: null, messages: ["Fix the JSON request first."] },
      { field: "jobName", label: "Job name", messages: ["Job name is required."] },
      {
        field: "timeoutSeconds",
        label: "Attempt timeout (seconds)",
        messages: ["Attempt timeout (seconds) must be at least 60."],
      },
      { field: "mystery", label: null, messages: ["?"] },
    ]);
  });

  it("is empty without errors", () => {
    expect(summaryItems({}, SUBMIT_JOB_FIELDS)).toEqual([]);
    expect(summaryItems({ _: [] }, SUBMIT_JOB_FIELDS)).toEqual([]);
  });
});

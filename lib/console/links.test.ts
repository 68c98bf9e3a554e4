import { describe, expect, it } from "vitest";
import { JobStatus } from "@/lib/batch/states";
import {
  arnName,
  computeEnvironmentHref,
  jobDefinitionHref,
  jobListHref,
  jobQueueHref,
  submitWithRevisionHref,
} from "./links";

describe("console links", () => {
  it.each([
    ["arn:aws:batch:us-east-1:000000000000:job-queue/nightly", "nightly"],
    ["arn:aws:batch:us-east-1:000000000000:job-definition/etl:3", "etl:3"],
    ["plain", "plain"],
  ])("arnName(%s) = %s", (arn, name) => expect(arnName(arn)).toBe(name));

  it("links a queue and a definition (on the revision named) to their pages", () => {
    expect(jobQueueHref("nightly")).toBe("/job-queues/nightly");
    expect(jobDefinitionHref("etl:3")).toBe("/job-definitions/etl?revision=3");
    expect(jobDefinitionHref("etl")).toBe("/job-definitions/etl");
  });

  it("links a revision to the submit form with it chosen", () => {
    expect(submitWithRevisionHref("etl", 1)).toBe("/jobs/new?definition=etl%3A1");
  });

  it("links an environment to its row of the list", () => {
    expect(computeEnvironmentHref("ce 1")).toBe("/compute-environments/ce%201");
  });

  it("filters the job list, leaving empty values out", () => {
    expect(jobListHref({ queue: "nightly", status: JobStatus.FAILED, name: "" })).toBe(
      `/jobs?queue=nightly&status=${JobStatus.FAILED}`,
    );
    expect(jobListHref({ definition: "etl:3" })).toBe("/jobs?definition=etl%3A3");
    expect(jobListHref({})).toBe("/jobs");
  });
});

import { describe, expect, it } from "vitest";
import { JOB_STATUSES, JobStatus } from "@/lib/batch/states";
import { gettingStartedSteps, hasJobs } from "./overview";

const zeros = () =>
  Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<(typeof JOB_STATUSES)[number], number>;

describe("the Overview's getting-started steps", () => {
  it("lists environment, queue, definition and job in order, each with its form", () => {
    const steps = gettingStartedSteps({ computeEnvironment: true, jobQueue: false, jobDefinition: false, job: false });
    expect(steps.map((s) => [s.key, s.href, s.done])).toEqual([
      ["computeEnvironment", "/compute-environments/new", true],
      ["jobQueue", "/job-queues/new", false],
      ["jobDefinition", "/job-definitions/new", false],
      ["job", "/jobs/new", false],
    ]);
  });

  it("counts a job submitted once any queue holds one, finished or not", () => {
    expect(hasJobs([])).toBe(false);
    expect(hasJobs([{ jobQueueName: "q", counts: zeros() }])).toBe(false);
    expect(hasJobs([{ jobQueueName: "q", counts: { ...zeros(), [JobStatus.SUCCEEDED]: 1 } }])).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { matchesEventPattern, parseEventPattern } from "./event-pattern";
import { BATCH_JOB_STATE_CHANGE, jobStateChangeEvent } from "./job-event";

const job: JobDetail = {
  jobArn: "arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
  jobName: "nightly-etl",
  jobId: "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
  jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/HighPriority",
  status: "FAILED",
  statusReason: "Essential container in task exited",
  schedulingPriority: 0,
  attempts: [],
  createdAt: 1798794000000,
  dependsOn: [],
  jobDefinition: "arn:aws:batch:us-east-1:123456789012:job-definition/etl:3",
  parameters: {},
  container: { image: "busybox", command: ["false"], exitCode: 1 },
  tags: {},
  propagateTags: false,
  platformCapabilities: ["EC2"],
  isCancelled: false,
  isTerminated: false,
};

const input = {
  id: "c8f9c4b5-76e5-d76a-f980-7011e206042b",
  time: new Date("2027-01-01T09:00:00.789Z"),
  region: "us-east-1",
  account: "123456789012",
  job,
};

describe("jobStateChangeEvent", () => {
  it("builds AWS Batch's EventBridge envelope around the described job", () => {
    expect(jobStateChangeEvent(input)).toEqual({
      version: "0",
      id: "c8f9c4b5-76e5-d76a-f980-7011e206042b",
      "detail-type": "Batch Job State Change",
      source: "aws.batch",
      account: "123456789012",
      time: "2027-01-01T09:00:00Z",
      region: "us-east-1",
      resources: [job.jobArn],
      detail: job,
    });
    expect(BATCH_JOB_STATE_CHANGE).toBe("Batch Job State Change");
  });

  it("writes the time in UTC without milliseconds", () => {
    const at = (iso: string) => jobStateChangeEvent({ ...input, time: new Date(iso) }).time;
    expect(at("2027-06-30T23:59:59.999Z")).toBe("2027-06-30T23:59:59Z");
    expect(at("2027-01-01T10:00:00+01:00")).toBe("2027-01-01T09:00:00Z");
    expect(at("2027-01-01T09:00:00Z")).toBe("2027-01-01T09:00:00Z");
  });

  it("keeps the job as given, as the detail", () => {
    expect(jobStateChangeEvent(input).detail).toBe(job);
  });

  it("takes a job read back from JSON", () => {
    const parsed: Record<string, unknown> = JSON.parse(JSON.stringify(job));
    const event = jobStateChangeEvent({ ...input, job: parsed });
    expect(event.resources).toEqual([job.jobArn]);
    expect(event.detail).toEqual(job);
  });

  it("refuses a job without a jobArn", () => {
    expect(() => jobStateChangeEvent({ ...input, job: { jobName: "x" } })).toThrow(/no jobArn/);
  });

  it("serializes to what a rule on Batch job failures matches", () => {
    const pattern = parseEventPattern(
      JSON.stringify({
        source: ["aws.batch"],
        "detail-type": ["Batch Job State Change"],
        detail: { status: ["FAILED"], jobQueue: [{ prefix: "arn:aws:batch:" }] },
      }),
    );
    const event = JSON.parse(JSON.stringify(jobStateChangeEvent(input)));
    expect(matchesEventPattern(pattern, event)).toBe(true);
    const succeeded = jobStateChangeEvent({ ...input, job: { ...job, status: "SUCCEEDED" } });
    expect(matchesEventPattern(pattern, succeeded)).toBe(false);
  });
});

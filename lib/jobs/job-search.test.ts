import { describe, expect, it } from "vitest";
import { jobIdOf, parseJobSearch } from "./job-search";

const ID = "5f0c2a9e-3b7d-4c1e-9a2f-0d8e6b4c1a7f";

describe("the job list's search box", () => {
  it("reads a job id, an array child's id and a job ARN as the job's id", () => {
    expect(parseJobSearch(ID)).toEqual({ kind: "id", jobId: ID });
    expect(parseJobSearch(`  ${ID}:7 `)).toEqual({ kind: "id", jobId: `${ID}:7` });
    expect(parseJobSearch(`arn:aws:batch:us-east-1:123456789012:job/${ID}`)).toEqual({ kind: "id", jobId: ID });
    expect(jobIdOf(`arn:aws-us-gov:batch:us-gov-west-1:123456789012:job/${ID}:12`)).toBe(`${ID}:12`);
  });

  it("matches ids whatever their case, as AWS prints them in lower case", () => {
    expect(jobIdOf(ID.toUpperCase())).toBe(ID);
  });

  it("reads anything else as the start of a name", () => {
    expect(parseJobSearch("nightly-etl")).toEqual({ kind: "name", prefix: "nightly-etl" });
    expect(parseJobSearch("nightly*")).toEqual({ kind: "name", prefix: "nightly" });
    expect(parseJobSearch(`${ID}x`)).toEqual({ kind: "name", prefix: `${ID}x` });
    expect(parseJobSearch(`arn:aws:batch:us-east-1:123456789012:job-queue/${ID}`)?.kind).toBe("name");
    expect(jobIdOf(`arn:aws:batch:us-east-1:123456789012:job/not-an-id`)).toBeNull();
    expect(parseJobSearch("   ")).toBeNull();
  });
});

// Which statuses a rule can match, read from its pattern: what lets the router skip describing
// the jobs of changes no rule can want. Only a plain list of exact statuses narrows; anything
// the pattern language could match otherwise leaves every status in.
import { describe, expect, it } from "vitest";
import { parseEventPattern } from "@/lib/automation/event-pattern";
import { statusesOf } from "./event-router";

const of = (pattern: unknown) => {
  const s = statusesOf(parseEventPattern(JSON.stringify(pattern)));
  return s === null ? null : [...s].sort();
};

describe("statusesOf", () => {
  it("reads a plain list of statuses, whatever else the pattern asks", () => {
    expect(of({ detail: { status: ["FAILED"] } })).toEqual(["FAILED"]);
    expect(
      of({ source: ["aws.batch"], detail: { status: ["SUCCEEDED", "FAILED"], jobQueue: [{ prefix: "arn:" }] } }),
    ).toEqual(["FAILED", "SUCCEEDED"]);
  });

  it("leaves every status in when the pattern could match others", () => {
    expect(of({ source: ["aws.batch"] })).toBeNull();
    expect(of({ detail: { jobName: ["nightly"] } })).toBeNull();
    expect(of({ detail: { status: [{ "anything-but": "SUCCEEDED" }] } })).toBeNull();
    expect(of({ detail: { status: [{ prefix: "SUCC" }] } })).toBeNull();
    expect(of({ detail: { status: ["FAILED"] }, $or: [{ source: ["a"] }, { source: ["b"] }] })).toBeNull();
    expect(of({ detail: { $or: [{ status: ["FAILED"] }, { jobName: ["x"] }] } })).toBeNull();
  });
});

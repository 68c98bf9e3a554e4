import { describe, expect, it } from "vitest";
import {
  createSchedulingPolicyAwsInput,
  createSchedulingPolicyInput,
  normalizeFairsharePolicy,
  shareOverlapProblem,
  updateSchedulingPolicyAwsInput,
  updateSchedulingPolicyInput,
} from "./scheduling-policies";

const parse = (fairsharePolicy: unknown) => createSchedulingPolicyInput.safeParse({ name: "p", fairsharePolicy });
const err = (r: ReturnType<typeof parse>) => r.error?.issues[0]?.message;

describe("fairsharePolicy", () => {
  it("accepts the documented bounds", () => {
    const r = parse({
      shareDecaySeconds: 604800,
      computeReservation: 99,
      shareDistribution: [
        { shareIdentifier: "UserA*", weightFactor: 0.0001 },
        { shareIdentifier: "UserB", weightFactor: 999.9999 },
        { shareIdentifier: "team_c-1" },
      ],
    });
    expect(r.success).toBe(true);
  });

  it.each([
    [{ shareDecaySeconds: -1 }, "shareDecaySeconds must be an integer between 0 and 604800"],
    [{ shareDecaySeconds: 604801 }, "between 0 and 604800"],
    [{ computeReservation: 100 }, "computeReservation must be an integer between 0 and 99"],
    [
      { shareDistribution: [{ shareIdentifier: "a", weightFactor: 0 }] },
      "weightFactor must be a number between 0.0001 and 999.9999",
    ],
    [{ shareDistribution: [{ shareIdentifier: "a", weightFactor: 1000 }] }, "weightFactor must be a number between"],
    [{ shareDistribution: [{ shareIdentifier: "a b" }] }, "shareIdentifier can contain only letters"],
    [{ shareDistribution: [{ shareIdentifier: "a**" }] }, "shareIdentifier can contain only letters"],
    [{ shareDistribution: [{ shareIdentifier: "x".repeat(256) }] }, "at most 255 characters"],
    [
      { shareDistribution: Array.from({ length: 501 }, (_, i) => ({ shareIdentifier: `s${i}` })) },
      "at most 500 entries",
    ],
    [
      { shareDistribution: [{ shareIdentifier: "UserA*" }, { shareIdentifier: "UserA1" }] },
      "UserA* and UserA1 overlap",
    ],
  ])("refuses %j", (policy, message) => {
    expect(err(parse(policy))).toContain(message);
  });

  it("passes quotaSharePolicy through for AWS, create and update", () => {
    const raw = { name: "p", quotaSharePolicy: { idleResourceAssignmentStrategy: "FIFO" } };
    expect(createSchedulingPolicyAwsInput.parse(raw)).toEqual(raw);
    const update = { arn: "arn:p", quotaSharePolicy: { idleResourceAssignmentStrategy: "FIFO" } };
    expect(updateSchedulingPolicyAwsInput.parse(update)).toEqual(update);
    expect(updateSchedulingPolicyInput.safeParse(update).error?.issues[0]?.message).toContain(
      "quotaSharePolicy is not supported",
    );
  });

  it("refuses quotaSharePolicy on the built-in backend", () => {
    const r = createSchedulingPolicyInput.safeParse({
      name: "p",
      quotaSharePolicy: { idleResourceAssignmentStrategy: "FIFO" },
    });
    expect(r.error?.issues[0]?.message).toContain("quotaSharePolicy is not supported");
  });
});

describe("share overlap", () => {
  it.each([
    [["a", "b"], null],
    [["ab*", "a"], null],
    [["a*", "ab"], "overlap"],
    [["ab", "a*"], "overlap"],
    [["a*", "ab*"], "overlap"],
    [["*", "x"], "overlap"],
    [["x", "x"], "listed more than once"],
  ])("%j", (ids, expected) => {
    const problem = shareOverlapProblem(ids);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});

describe("normalizeFairsharePolicy", () => {
  it("keeps only given fields", () => {
    expect(normalizeFairsharePolicy(undefined)).toEqual({});
    expect(normalizeFairsharePolicy({ computeReservation: 10, shareDistribution: [{ shareIdentifier: "a" }] })).toEqual(
      {
        computeReservation: 10,
        shareDistribution: [{ shareIdentifier: "a" }],
      },
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  computeEnvironmentArn,
  consumableResourceArn,
  jobArn,
  jobDefinitionArn,
  jobQueueArn,
  looksLikeArn,
  parseArn,
  schedulingPolicyArn,
} from "./arn";

const acct = "123456789012";

describe("building ARNs", () => {
  it.each([
    [computeEnvironmentArn(acct, "ce1"), `arn:aws:batch:us-east-1:${acct}:compute-environment/ce1`],
    [jobQueueArn(acct, "q_1"), `arn:aws:batch:us-east-1:${acct}:job-queue/q_1`],
    [schedulingPolicyArn(acct, "fair"), `arn:aws:batch:us-east-1:${acct}:scheduling-policy/fair`],
    [jobDefinitionArn(acct, "def", 7), `arn:aws:batch:us-east-1:${acct}:job-definition/def:7`],
    [consumableResourceArn(acct, "seats"), `arn:aws:batch:us-east-1:${acct}:consumable-resource/seats`],
    [jobArn(acct, "abc-123"), `arn:aws:batch:us-east-1:${acct}:job/abc-123`],
  ])("%s", (built, expected) => {
    expect(built).toBe(expected);
  });
});

describe("parsing ARNs", () => {
  it.each([
    [`arn:aws:batch:us-east-1:${acct}:compute-environment/ce1`, { resourceType: "compute-environment", name: "ce1" }],
    [`arn:aws:batch:eu-west-1:${acct}:job-queue/q`, { resourceType: "job-queue", name: "q", region: "eu-west-1" }],
    [
      `arn:aws:batch:us-east-1:${acct}:job-definition/def:12`,
      { resourceType: "job-definition", name: "def", revision: 12 },
    ],
    [`arn:aws:batch:us-east-1:${acct}:job-definition/def`, { resourceType: "job-definition", name: "def" }],
    [
      `arn:aws-us-gov:batch:us-gov-west-1:${acct}:scheduling-policy/p`,
      { resourceType: "scheduling-policy", name: "p" },
    ],
    [`arn:aws:batch:us-east-1:${acct}:job/uuid-1:3`, { resourceType: "job", name: "uuid-1:3" }],
    [
      `arn:aws:batch:us-east-1:${acct}:consumable-resource/seats`,
      { resourceType: "consumable-resource", name: "seats" },
    ],
  ])("%s", (arn, expected) => {
    expect(parseArn(arn)).toMatchObject({ accountId: acct, ...expected });
  });

  it("keeps the revision absent when the ARN has none", () => {
    expect(parseArn(`arn:aws:batch:us-east-1:${acct}:job-definition/def`)?.revision).toBeUndefined();
  });

  it.each([
    "not-an-arn",
    `arn:aws:ecs:us-east-1:${acct}:cluster/x`,
    `arn:aws:batch:us-east-1:12345:job-queue/q`,
    `arn:aws:batch:us-east-1:${acct}:job-queues/q`,
    `arn:aws:batch:us-east-1:${acct}:job-queue/`,
    `arn:aws:batch:us-east-1:${acct}:job-queue/a/b`,
    `arn:aws:batch:us-east-1:${acct}:job-definition/def:0`,
    `arn:aws:batch:us-east-1:${acct}:job-definition/def:x`,
  ])("refuses %s", (arn) => {
    expect(parseArn(arn)).toBeNull();
  });

  it("round-trips what it builds", () => {
    expect(parseArn(jobDefinitionArn(acct, "a-b_c", 3))).toEqual({
      region: "us-east-1",
      accountId: acct,
      resourceType: "job-definition",
      name: "a-b_c",
      revision: 3,
    });
  });

  it("tells ARNs from names", () => {
    expect(looksLikeArn("arn:aws:batch:x")).toBe(true);
    expect(looksLikeArn("my-queue")).toBe(false);
  });
});

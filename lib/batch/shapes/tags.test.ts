import { describe, expect, it } from "vitest";
import { tagResourceInput, tagsSchema, untagResourceInput } from "./tags";

const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

describe("tags", () => {
  it.each([
    [{}, true],
    [{ team: "data", empty: "" }, true],
    [manyTags(50), true],
    [{ ["k".repeat(128)]: "v".repeat(256) }, true],
  ])("accepts %j", (tags, ok) => {
    expect(tagsSchema.safeParse(tags).success).toBe(ok);
  });

  it.each([
    [manyTags(51), "at most 50 tags; got 51"],
    [{ "": "v" }, "must be 1 to 128 characters long"],
    [{ ["k".repeat(129)]: "v" }, "must be 1 to 128 characters long"],
    [{ k: "v".repeat(257) }, "at most 256 characters"],
    [{ "aws:owner": "me" }, 'reserved prefix "aws:"'],
    [{ "AWS:owner": "me" }, 'reserved prefix "aws:"'],
    [{ k: 1 }, "Tag values must be strings."],
  ])("refuses %j", (tags, message) => {
    expect(tagsSchema.safeParse(tags).error?.issues[0]?.message).toContain(message);
  });

  it("needs at least one tag to add and one key to remove", () => {
    expect(tagResourceInput.safeParse({ resourceArn: "arn", tags: {} }).success).toBe(false);
    expect(untagResourceInput.safeParse({ resourceArn: "arn", tagKeys: [] }).success).toBe(false);
    expect(untagResourceInput.safeParse({ resourceArn: "arn", tagKeys: ["aws:x"] }).success).toBe(false);
    expect(untagResourceInput.safeParse({ resourceArn: "arn", tagKeys: ["a"] }).success).toBe(true);
  });
});

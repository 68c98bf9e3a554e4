import { describe, expect, it } from "vitest";
import { nameProblem, resourceName } from "./names";

describe("resource names", () => {
  it.each(["a", "A-b_c9", "x".repeat(128), "0start", "_under", "-dash"])("accepts %s", (name) => {
    expect(nameProblem(name)).toBeNull();
    expect(resourceName("jobQueueName").safeParse(name).success).toBe(true);
  });

  it.each([
    ["", "must not be empty"],
    ["x".repeat(129), "at most 128 characters long (got 129)"],
    ["has space", "found space"],
    ["dots.are.bad", 'found "."'],
    ["a/b:c", 'found "/", ":"'],
    ["ünïcode", 'found "ü", "ï"'],
  ])("refuses %j saying what is wrong", (name, fragment) => {
    expect(nameProblem(name, "jobQueueName")).toContain(fragment);
    const parsed = resourceName("jobQueueName").safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("jobQueueName");
  });

  it("refuses a value that is not a string", () => {
    expect(resourceName("computeEnvironmentName").safeParse(42).error?.issues[0]?.message).toBe(
      "computeEnvironmentName is required.",
    );
  });
});

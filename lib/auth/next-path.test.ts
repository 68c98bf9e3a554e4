import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it.each([
    ["/", "/"],
    ["/jobs", "/jobs"],
    ["/jobs/abc?status=RUNNING#top", "/jobs/abc?status=RUNNING#top"],
    ["/settings/../jobs", "/jobs"],
  ])("keeps the path %s on this site", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example/x",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/".padEnd(3000, "a"),
  ])("sends %j home instead", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });

  it("sends anything that is not text home", () => {
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined)).toBe("/");
  });
});

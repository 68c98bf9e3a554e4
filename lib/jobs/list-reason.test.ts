import { describe, expect, it } from "vitest";
import { STATUS_REASONS } from "@/lib/batch/states";
import { listReason } from "./list-reason";

describe("the job list's status reason", () => {
  it("shows the exit code instead of AWS's generic container exit", () => {
    expect(listReason(STATUS_REASONS.essentialContainerExited, 1)).toBe("Exit code 1");
    expect(listReason(STATUS_REASONS.essentialContainerExited, undefined)).toBeUndefined();
  });

  it("keeps a reason that says something", () => {
    expect(listReason(STATUS_REASONS.timeout, 137)).toBe(STATUS_REASONS.timeout);
    expect(listReason("bulk from e2e", undefined)).toBe("bulk from e2e");
    expect(listReason(undefined, undefined)).toBeUndefined();
  });
});

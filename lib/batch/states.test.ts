import { describe, expect, it } from "vitest";
import { canTransition, isCancellable, isTerminal, JOB_STATUSES, TRANSITIONS, type TransitionName } from "./states";

describe("job state machine", () => {
  it("never leaves a terminal state", () => {
    for (const name of Object.keys(TRANSITIONS) as TransitionName[]) {
      expect(canTransition(name, "SUCCEEDED")).toBe(false);
      expect(canTransition(name, "FAILED")).toBe(false);
    }
  });

  it("cancel applies before a job is on a host, terminate once it is", () => {
    const table: [string, boolean, boolean][] = [
      ["SUBMITTED", true, false],
      ["PENDING", true, false],
      ["RUNNABLE", true, false],
      ["STARTING", false, true],
      ["RUNNING", false, true],
    ];
    for (const [status, cancel, terminate] of table) {
      expect(canTransition("cancel", status)).toBe(cancel);
      expect(canTransition("terminate", status)).toBe(terminate);
      expect(isCancellable(status)).toBe(cancel);
    }
  });

  it("has exactly two terminal states", () => {
    expect(JOB_STATUSES.filter(isTerminal)).toEqual(["SUCCEEDED", "FAILED"]);
  });
});

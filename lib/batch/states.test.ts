import { describe, expect, it } from "vitest";
import {
  ACTIVE_STATUSES,
  CHARTED_STATUSES,
  canTransition,
  isCancellable,
  isTerminal,
  JOB_STATUSES,
  JobStatus,
  SAMPLED_STATUSES,
  type SubmitTransition,
  TRANSITIONS,
  type TransitionName,
} from "./states";

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

  it("names each status as itself", () => {
    expect(Object.values(JobStatus)).toEqual([...JOB_STATUSES]);
    for (const s of JOB_STATUSES) expect(JobStatus[s]).toBe(s);
  });

  it("samples and charts only unfinished states", () => {
    for (const s of [...SAMPLED_STATUSES, ...CHARTED_STATUSES]) expect(ACTIVE_STATUSES).toContain(s);
  });

  it("inserts rows only by moves out of SUBMITTED, and every state but SUBMITTED is reached by a move", () => {
    const submits: SubmitTransition[] = ["submitReady", "submitWithDependencies", "submitDependencyFailed"];
    for (const name of submits) expect(TRANSITIONS[name].from).toEqual(["SUBMITTED"]);
    const reached = new Set<string>(Object.values(TRANSITIONS).map((t) => t.to));
    expect(JOB_STATUSES.filter((s) => !reached.has(s))).toEqual(["SUBMITTED"]);
  });

  it("cancels by a jobStateTimeLimitAction only what AWS allows: RUNNABLE", () => {
    expect(JOB_STATUSES.filter((s) => canTransition("timeLimitCancel", s))).toEqual(["RUNNABLE"]);
  });
});

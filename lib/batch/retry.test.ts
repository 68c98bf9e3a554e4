import { describe, expect, it } from "vitest";
import { decideRetry, globMatches, isValidExitCodePattern, isValidReasonPattern, type RetryInput } from "./retry";

const base: RetryInput = {
  attempt: 1,
  attemptsAllowed: 3,
  evaluateOnExit: [],
  exitCode: 1,
  reason: null,
  statusReason: "Essential container in task exited",
  stopKind: "NONE",
};

describe("decideRetry", () => {
  const cases: [string, Partial<RetryInput>, "RETRY" | "EXIT"][] = [
    ["attempts remain, no rules", {}, "RETRY"],
    ["last attempt", { attempt: 3 }, "EXIT"],
    ["single attempt allowed", { attemptsAllowed: 1 }, "EXIT"],
    ["timeout is never retried", { stopKind: "TIMEOUT" }, "EXIT"],
    ["terminate is never retried", { stopKind: "TERMINATE" }, "EXIT"],
    ["cancel is never retried", { stopKind: "CANCEL" }, "EXIT"],
    [
      "timeout even when a rule says RETRY",
      { stopKind: "TIMEOUT", evaluateOnExit: [{ onExitCode: "*", action: "RETRY" }] },
      "EXIT",
    ],
    ["exit code 0", { exitCode: 0 }, "EXIT"],
    ["exact exit code rule EXIT", { exitCode: 3, evaluateOnExit: [{ onExitCode: "3", action: "EXIT" }] }, "EXIT"],
    [
      "exit code rule not matching → default RETRY",
      { exitCode: 4, evaluateOnExit: [{ onExitCode: "3", action: "EXIT" }] },
      "RETRY",
    ],
    ["prefix glob on exit code", { exitCode: 137, evaluateOnExit: [{ onExitCode: "13*", action: "exit" }] }, "EXIT"],
    [
      "first match wins",
      {
        exitCode: 2,
        evaluateOnExit: [
          { onExitCode: "2", action: "RETRY" },
          { onExitCode: "*", action: "EXIT" },
        ],
      },
      "RETRY",
    ],
    [
      "later rule when the first does not match",
      {
        exitCode: 5,
        evaluateOnExit: [
          { onExitCode: "2", action: "RETRY" },
          { onExitCode: "*", action: "EXIT" },
        ],
      },
      "EXIT",
    ],
    [
      "every condition of a rule must match",
      {
        exitCode: 1,
        reason: "other",
        evaluateOnExit: [{ onExitCode: "1", onReason: "OutOfMemory*", action: "EXIT" }],
      },
      "RETRY",
    ],
    [
      "reason glob",
      {
        exitCode: null,
        reason: "OutOfMemoryError: Container killed due to memory usage",
        evaluateOnExit: [{ onReason: "OutOfMemory*", action: "EXIT" }],
      },
      "EXIT",
    ],
    [
      "status reason glob (host terminated → retry)",
      {
        statusReason: "Host EC2 (instance e1) terminated.",
        evaluateOnExit: [
          { onStatusReason: "Host EC2*", action: "RETRY" },
          { onReason: "*", action: "EXIT" },
        ],
      },
      "RETRY",
    ],
    [
      "no exit code never matches an exit code rule",
      {
        exitCode: null,
        evaluateOnExit: [{ onExitCode: "*", action: "EXIT" }],
      },
      "RETRY",
    ],
    ["action is case-insensitive", { evaluateOnExit: [{ onExitCode: "1", action: "Exit" }] }, "EXIT"],
    [
      "rules do not grant attempts beyond the limit",
      {
        attempt: 3,
        evaluateOnExit: [{ onExitCode: "*", action: "RETRY" }],
      },
      "EXIT",
    ],
  ];
  it.each(cases)("%s", (_name, patch, expected) => {
    const d = decideRetry({ ...base, ...patch });
    expect(d.action).toBe(expected);
    expect(d.why.length).toBeGreaterThan(0);
  });
});

describe("patterns", () => {
  it.each([
    ["1*", "12", true],
    ["1*", "21", false],
    ["*", "", true],
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["a*c", "a*c", true],
    ["a*c", "abc", false],
  ] as const)("glob %s on %s → %s", (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });

  it.each([
    ["137", true],
    ["1*", true],
    ["*", true],
    ["1*2", false],
    ["-1", false],
    ["", false],
  ])("exit code pattern %s valid: %s", (p, ok) => expect(isValidExitCodePattern(p)).toBe(ok));

  it.each([
    ["OutOfMemoryError: Container*", true],
    ["Host EC2*", true],
    ["bad/char", false],
    ["a".repeat(513), false],
    ["a".repeat(512), true],
  ])("reason pattern %s valid: %s", (p, ok) => expect(isValidReasonPattern(p)).toBe(ok));
});

import { describe, expect, it } from "vitest";
import { lineDiff } from "@/components/resources/lib/line-diff";
import { comparableDefinition, durationText, parseRevisionRef, revisionFacts } from "./job-definition-revisions";

const revision = (n: number, extra: Record<string, unknown> = {}) => ({
  jobDefinitionName: "etl",
  jobDefinitionArn: `arn:aws:batch:us-east-1:000000000000:job-definition/etl:${n}`,
  revision: n,
  status: n === 1 ? "INACTIVE" : "ACTIVE",
  type: "container",
  containerProperties: { image: "busybox", command: ["echo", "hi"] },
  containerOrchestrationType: "ECS",
  ...extra,
});

describe("comparableDefinition", () => {
  it("leaves out the ARN, revision number, status and orchestration type", () => {
    const a = comparableDefinition(revision(1));
    const b = comparableDefinition(revision(2));
    expect(a).toBe(b);
    expect(a).not.toContain("arn:");
    expect(lineDiff(a, b).every((l) => l.kind === "same")).toBe(true);
  });

  it("reads keys written in another order as the same", () => {
    const a = comparableDefinition(revision(1, { containerProperties: { command: ["x"], image: "busybox" } }));
    const b = comparableDefinition(revision(2, { containerProperties: { image: "busybox", command: ["x"] } }));
    expect(a).toBe(b);
  });

  it("shows a changed command", () => {
    const a = comparableDefinition(revision(1));
    const b = comparableDefinition(
      revision(2, { containerProperties: { image: "busybox", command: ["echo", "bye"] } }),
    );
    const changed = lineDiff(a, b).filter((l) => l.kind !== "same");
    expect(changed.map((l) => `${l.kind} ${l.text.trim()}`)).toEqual(['removed "hi"', 'added "bye"']);
  });
});

describe("revisionFacts", () => {
  it("reads retries, exit rules, timeout, environment, platform and tags", () => {
    const facts = revisionFacts(
      revision(3, {
        containerProperties: {
          image: "busybox",
          command: ["run"],
          environment: [{ name: "MODE", value: "fast" }],
          secrets: [{ name: "TOKEN", valueFrom: "x" }],
          resourceRequirements: [
            { type: "VCPU", value: "2" },
            { type: "MEMORY", value: "512" },
          ],
        },
        retryStrategy: { attempts: 3, evaluateOnExit: [{ action: "retry", onExitCode: "1*" }, { action: "EXIT" }] },
        timeout: { attemptDurationSeconds: 90 },
        platformCapabilities: ["EC2"],
        tags: { team: "data" },
      }),
    );
    expect(facts).toMatchObject({
      image: "busybox",
      command: ["run"],
      vcpus: "2",
      memoryMiB: "512",
      attempts: 3,
      exitRules: [
        { action: "RETRY", matches: "exit code 1*" },
        { action: "EXIT", matches: "any exit" },
      ],
      timeoutSeconds: 90,
      environment: [{ name: "MODE", value: "fast" }],
      secrets: ["TOKEN"],
      platformCapabilities: ["EC2"],
      tags: [["team", "data"]],
    });
  });

  it("counts one attempt and no timeout when the revision sets neither", () => {
    expect(revisionFacts(revision(1))).toMatchObject({ attempts: 1, exitRules: [], timeoutSeconds: null });
  });
});

describe("durationText and parseRevisionRef", () => {
  it("says durations as people do", () => {
    expect(durationText(45)).toBe("45 s");
    expect(durationText(600)).toBe("10 min");
    expect(durationText(5430)).toBe("1 h 30 min 30 s");
  });

  it("parses name:revision", () => {
    expect(parseRevisionRef("my:def:2")).toEqual({ name: "my:def", revision: 2 });
    expect(parseRevisionRef("etl")).toBeNull();
    expect(parseRevisionRef("etl:0")).toBeNull();
    expect(parseRevisionRef(undefined)).toBeNull();
  });
});

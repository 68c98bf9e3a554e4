import { describe, expect, it } from "vitest";
import {
  DEFAULT_EXECUTOR_POLICY,
  EXECUTOR_TAGS,
  type ExecutorPolicy,
  executorPolicyOf,
  executorTagProblems,
  isUnderHostPath,
  normalizeHostPath,
} from "./executor-policy";

describe("executorPolicyOf", () => {
  const cases: [string, Record<string, string>, Partial<ExecutorPolicy>][] = [
    ["no tags: the defaults", {}, {}],
    ["unrelated tags", { team: "ml", "batchdeck:memoryMiB": "512" }, {}],
    ["executor container", { "batchdeck:executor": "container" }, { executor: "container" }],
    ["executor process", { "batchdeck:executor": "process" }, { executor: "process" }],
    ["privileged allowed", { "batchdeck:allowPrivileged": "true" }, { allowPrivileged: true }],
    ["privileged refused explicitly", { "batchdeck:allowPrivileged": "false" }, { allowPrivileged: false }],
    [
      "host paths, trimmed, normalized and deduplicated",
      { "batchdeck:hostPaths": " /srv/data/ , //scratch/./jobs,/srv/data" },
      { hostPaths: ["/srv/data", "/scratch/jobs"] },
    ],
    ["empty host paths", { "batchdeck:hostPaths": " " }, { hostPaths: [] }],
    ["devices", { "batchdeck:devices": "/dev/fuse,/dev/kvm" }, { devices: ["/dev/fuse", "/dev/kvm"] }],
    ["pids limit", { "batchdeck:pidsLimit": "4096" }, { pidsLimit: 4096 }],
    ["pids limit at its bounds", { "batchdeck:pidsLimit": "16" }, { pidsLimit: 16 }],
    ["disk limit", { "batchdeck:diskMiB": "2048" }, { diskMiB: 2048 }],
    ["disk 0 means no limit", { "batchdeck:diskMiB": "0" }, { diskMiB: null }],
    ["network none", { "batchdeck:network": "none" }, { network: "none" }],
    // Stored before validation (or written straight into the database): each reads as its default.
    ["bad executor", { "batchdeck:executor": "docker" }, {}],
    ["privileged in another case", { "batchdeck:allowPrivileged": "TRUE" }, {}],
    ["one bad host path denies them all", { "batchdeck:hostPaths": "/srv,../etc" }, {}],
    ["root as a host path", { "batchdeck:hostPaths": "/" }, {}],
    ["a device outside /dev", { "batchdeck:devices": "/etc/shadow" }, {}],
    ["pids limit too small", { "batchdeck:pidsLimit": "1" }, {}],
    ["pids limit not a number", { "batchdeck:pidsLimit": "lots" }, {}],
    ["negative disk", { "batchdeck:diskMiB": "-1" }, {}],
    ["host network", { "batchdeck:network": "host" }, {}],
  ];
  it.each(cases)("%s", (_name, tags, expected) => {
    expect(executorPolicyOf(tags)).toEqual({ ...DEFAULT_EXECUTOR_POLICY, ...expected });
  });

  it("defaults as the brief fixes them", () => {
    expect(DEFAULT_EXECUTOR_POLICY).toEqual({
      executor: null,
      allowPrivileged: false,
      hostPaths: [],
      devices: [],
      pidsLimit: 1024,
      diskMiB: 10240,
      network: "bridge",
    });
    expect(EXECUTOR_TAGS).toHaveLength(7);
  });
});

describe("executorTagProblems", () => {
  const cases: [string, Record<string, string>, string | null][] = [
    ["valid tags", { "batchdeck:executor": "container", "batchdeck:hostPaths": "/srv/a,/srv/b" }, null],
    ["every tag valid", Object.fromEntries(EXECUTOR_TAGS.map((t) => [t, validValue(t)])), null],
    ["unrelated tags are not ours to judge", { "batchdeck:memoryMiB": "lots", team: "" }, null],
    [
      "executor",
      { "batchdeck:executor": "docker" },
      'Tag batchdeck:executor must be container or process (got "docker").',
    ],
    [
      "allowPrivileged",
      { "batchdeck:allowPrivileged": "yes" },
      'Tag batchdeck:allowPrivileged must be true or false (got "yes").',
    ],
    ["relative host path", { "batchdeck:hostPaths": "data" }, '"data" is not an absolute path'],
    ["host path climbing", { "batchdeck:hostPaths": "/srv/../etc" }, '"/srv/../etc" is not an absolute path'],
    ["host path with a colon", { "batchdeck:hostPaths": "/srv/a:b" }, '"/srv/a:b" is not an absolute path'],
    ["empty host path entry", { "batchdeck:hostPaths": "/srv,,/data" }, "an empty entry"],
    ["root host path", { "batchdeck:hostPaths": "/" }, '"/" would let jobs mount the whole host'],
    ["root spelled oddly", { "batchdeck:hostPaths": "//./" }, '"/" would let jobs mount the whole host'],
    ["/proc", { "batchdeck:hostPaths": "/proc/1" }, '"/proc/1" is under /proc, which jobs may not mount'],
    ["/sys", { "batchdeck:hostPaths": "/sys" }, "is under /sys"],
    ["/dev through host paths", { "batchdeck:hostPaths": "/dev" }, "is under /dev"],
    ["device outside /dev", { "batchdeck:devices": "/etc/passwd" }, '"/etc/passwd" is not a device path under /dev/'],
    ["/dev itself as a device", { "batchdeck:devices": "/dev" }, '"/dev" is not a device path under /dev/'],
    ["device climbing", { "batchdeck:devices": "/dev/../etc/x" }, "is not a device path under /dev/"],
    [
      "pids limit out of range",
      { "batchdeck:pidsLimit": "2000000" },
      'Tag batchdeck:pidsLimit must be a whole number from 16 to 1,000,000 (got "2000000").',
    ],
    ["pids limit not whole", { "batchdeck:pidsLimit": "100.5" }, "Tag batchdeck:pidsLimit must be a whole number"],
    [
      "disk not a number",
      { "batchdeck:diskMiB": "10G" },
      'Tag batchdeck:diskMiB must be a whole number of MiB (0 for no limit) from 0 to 999,999,999 (got "10G").',
    ],
    [
      "host network",
      { "batchdeck:network": "host" },
      "Tag batchdeck:network can't be host: jobs never share the host's network; use bridge or none.",
    ],
    [
      "unknown network",
      { "batchdeck:network": "overlay" },
      'Tag batchdeck:network must be bridge or none (got "overlay").',
    ],
  ];
  it.each(cases)("%s", (_name, tags, expected) => {
    const problems = executorTagProblems(tags);
    if (expected === null) expect(problems).toEqual([]);
    else
      expect(
        problems.some((p) => p.includes(expected)),
        JSON.stringify(problems),
      ).toBe(true);
  });

  it("reports every bad tag", () => {
    expect(executorTagProblems({ "batchdeck:executor": "x", "batchdeck:network": "x" })).toHaveLength(2);
  });
});

function validValue(tag: string): string {
  const values: Record<string, string> = {
    "batchdeck:executor": "process",
    "batchdeck:allowPrivileged": "false",
    "batchdeck:hostPaths": "/srv",
    "batchdeck:devices": "/dev/fuse",
    "batchdeck:pidsLimit": "1000000",
    "batchdeck:diskMiB": "0",
    "batchdeck:network": "bridge",
  };
  return values[tag] ?? "";
}

describe("host paths", () => {
  it.each([
    ["/srv/data", "/srv/data"],
    ["/srv/data/", "/srv/data"],
    ["//srv///data/./x", "/srv/data/x"],
    ["/", "/"],
    ["srv", null],
    ["/srv/../etc", null],
    ["/srv/..", null],
    ["/srv/a:b", null],
    ["/srv/a,b", null],
    ["/srv/a\0b", null],
  ] as const)("normalizeHostPath(%j) → %j", (path, expected) => {
    expect(normalizeHostPath(path)).toBe(expected);
  });

  it.each([
    ["/srv/data", ["/srv/data"], true],
    ["/srv/data/x/y", ["/srv/data"], true],
    ["/srv/data/", ["/srv/data"], true],
    ["/srv/database", ["/srv/data"], false],
    ["/srv", ["/srv/data"], false],
    ["/srv/data/../../etc", ["/srv/data"], false],
    ["/srv/data/./x", ["/srv/data"], true],
    ["srv/data", ["/srv/data"], false],
    ["/etc", [], false],
    ["/anything", ["/"], true],
  ] as const)("isUnderHostPath(%j, %j) → %j", (path, prefixes, expected) => {
    expect(isUnderHostPath(path, prefixes)).toBe(expected);
  });
});

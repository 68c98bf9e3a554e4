import { describe, expect, it } from "vitest";
import {
  dispatchOrder,
  headOfQueueBlock,
  type PlacementEnvironment,
  type PlacementJob,
  type PlacementQueue,
  place,
  STARVATION_MS,
  whyNotRunning,
} from "./placement";

const env = (
  id: string,
  vcpus: number,
  mem: number,
  gpus: string[] = [],
  patch: Partial<PlacementEnvironment> = {},
) => ({
  id,
  enabled: true,
  maxVcpus: vcpus,
  memoryMiB: mem,
  gpuIds: gpus,
  freeVcpus: vcpus,
  freeMemoryMiB: mem,
  freeGpuIds: gpus,
  ...patch,
});
const queue = (id: string, priority: number, environmentIds: string[], patch: Partial<PlacementQueue> = {}) => ({
  id,
  priority,
  enabled: true,
  environmentIds,
  ...patch,
});
let seq = 0;
const job = (id: string, queueId: string, patch: Partial<PlacementJob> = {}): PlacementJob => ({
  id,
  queueId,
  vcpus: 1,
  memoryMiB: 100,
  gpus: 0,
  schedulingPriority: 0,
  createdAt: ++seq,
  runnableAt: 1_000_000,
  shareIdentifier: null,
  ...patch,
});
const NOW = 1_000_000;

describe("place", () => {
  const cases: {
    name: string;
    queues: PlacementQueue[];
    envs: PlacementEnvironment[];
    jobs: PlacementJob[];
    now?: number;
    expected: [string, string][];
  }[] = [
    {
      name: "FIFO within capacity",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 2, 1000)],
      jobs: [job("a", "q"), job("b", "q"), job("c", "q")],
      expected: [
        ["a", "e"],
        ["b", "e"],
      ],
    },
    {
      name: "two jobs needing the whole environment never run at once",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 4, 1000)],
      jobs: [job("a", "q", { vcpus: 4 }), job("b", "q", { vcpus: 4 })],
      expected: [["a", "e"]],
    },
    {
      name: "higher-priority queue first",
      queues: [queue("low", 1, ["e"]), queue("high", 10, ["e"])],
      envs: [env("e", 1, 1000)],
      jobs: [job("l", "low"), job("h", "high")],
      expected: [["h", "e"]],
    },
    {
      // AWS: schedulingPriority orders jobs only in fair-share queues.
      name: "a FIFO queue starts the oldest job whatever its schedulingPriority",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 1, 1000)],
      jobs: [job("old", "q"), job("urgent", "q", { schedulingPriority: 5 })],
      expected: [["old", "e"]],
    },
    {
      name: "a fair-share queue starts a share's higher schedulingPriority first",
      queues: [queue("q", 1, ["e"], { fairShare: { computeReservation: 0, weights: [], usage: {}, running: {} } })],
      envs: [env("e", 1, 1000)],
      jobs: [
        job("old", "q", { shareIdentifier: "A" }),
        job("urgent", "q", { shareIdentifier: "A", schedulingPriority: 5 }),
      ],
      expected: [["urgent", "e"]],
    },
    {
      name: "spills to the next environment in order",
      queues: [queue("q", 1, ["e1", "e2"])],
      envs: [env("e1", 1, 1000), env("e2", 1, 1000)],
      jobs: [job("a", "q"), job("b", "q")],
      expected: [
        ["a", "e1"],
        ["b", "e2"],
      ],
    },
    {
      name: "disabled environment skipped, disabled queue ignored",
      queues: [queue("q", 1, ["e1", "e2"]), queue("off", 5, ["e2"], { enabled: false })],
      envs: [env("e1", 1, 1000, [], { enabled: false }), env("e2", 1, 1000)],
      jobs: [job("x", "off"), job("a", "q")],
      expected: [["a", "e2"]],
    },
    {
      name: "memory and GPU are capacity too",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 8, 1000, ["0", "1"])],
      jobs: [job("m", "q", { memoryMiB: 900 }), job("m2", "q", { memoryMiB: 200 }), job("g", "q", { gpus: 2 })],
      expected: [
        ["m", "e"],
        ["g", "e"],
      ],
    },
    {
      name: "small jobs backfill past a large one that does not fit yet",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 4, 1000, [], { freeVcpus: 2 })],
      jobs: [job("big", "q", { vcpus: 4 }), job("small", "q", { vcpus: 1 })],
      expected: [["small", "e"]],
    },
    {
      name: "a starving large job reserves the environment",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 4, 1000, [], { freeVcpus: 2 })],
      jobs: [job("big", "q", { vcpus: 4, runnableAt: NOW - STARVATION_MS }), job("small", "q", { vcpus: 1 })],
      expected: [],
    },
    {
      name: "a job that can never fit reserves nothing",
      queues: [queue("q", 1, ["e"])],
      envs: [env("e", 4, 1000)],
      jobs: [job("huge", "q", { vcpus: 64, runnableAt: 0 }), job("small", "q")],
      expected: [["small", "e"]],
    },
  ];
  it.each(cases)("$name", ({ queues, envs, jobs, now, expected }) => {
    const got = place({ queues, environments: envs, jobs, now: now ?? NOW });
    expect(got.map((p) => [p.jobId, p.environmentId])).toEqual(expected);
  });

  it("hands out distinct GPU ids", () => {
    const got = place({
      queues: [queue("q", 1, ["e"])],
      environments: [env("e", 8, 1000, ["0", "1", "2"])],
      jobs: [job("a", "q", { gpus: 1 }), job("b", "q", { gpus: 2 })],
      now: NOW,
    });
    expect(got.map((p) => p.gpuIds)).toEqual([["0"], ["1", "2"]]);
  });
});

describe("the engine's machine", () => {
  const host = (vcpus: number, mem: number, patch = {}) => ({
    maxVcpus: vcpus,
    memoryMiB: mem,
    freeVcpus: vcpus,
    freeMemoryMiB: mem,
    ...patch,
  });

  it("holds every environment together to the machine's vCPUs and memory", () => {
    const queues = [queue("q1", 1, ["e1"]), queue("q2", 1, ["e2"])];
    const environments = [env("e1", 4, 8000), env("e2", 4, 8000)];
    const jobs = [job("a", "q1"), job("b", "q2"), job("c", "q1")];
    expect(place({ queues, environments, jobs, now: NOW }).map((p) => p.jobId)).toEqual(["a", "c", "b"]);
    expect(place({ queues, environments, jobs, now: NOW, host: host(2, 8000) }).map((p) => p.jobId)).toEqual([
      "a",
      "c",
    ]);
    const big = [job("m1", "q1", { memoryMiB: 600 }), job("m2", "q2", { memoryMiB: 600 })];
    expect(place({ queues, environments, jobs: big, now: NOW, host: host(8, 1000) }).map((p) => p.jobId)).toEqual([
      "m1",
    ]);
  });

  it("starts nothing while running jobs hold the machine", () => {
    const got = place({
      queues: [queue("q", 1, ["e"])],
      environments: [env("e", 4, 8000)],
      jobs: [job("a", "q")],
      now: NOW,
      host: host(2, 8000, { freeVcpus: 0.5 }),
    });
    expect(got).toEqual([]);
  });

  it("hands a GPU listed by two environments to one job", () => {
    const got = place({
      queues: [queue("q1", 2, ["e1"]), queue("q2", 1, ["e2"])],
      environments: [env("e1", 4, 8000, ["0", "1"]), env("e2", 4, 8000, ["1", "2"])],
      jobs: [job("a", "q1", { gpus: 2 }), job("b", "q2", { gpus: 2 }), job("c", "q2", { gpus: 1 })],
      now: NOW,
    });
    expect(got.map((p) => [p.jobId, p.gpuIds])).toEqual([
      ["a", ["0", "1"]],
      ["c", ["2"]],
    ]);
  });

  it("says when the machine, not the environment, is full", () => {
    const reasons = whyNotRunning({
      job: job("a", "q", { vcpus: 2 }),
      queue: queue("q", 1, ["e"]),
      environments: [env("e", 4, 8000)],
      waitingOn: [],
      host: host(4, 8000, { freeVcpus: 1 }),
    });
    expect(reasons).toEqual([{ kind: "HOST_SHORT", resource: "VCPU", requested: 2, available: 1, max: 4 }]);
    // The environment is what is short: that is said, and the machine is not blamed.
    const envShort = whyNotRunning({
      job: job("a", "q", { vcpus: 2 }),
      queue: queue("q", 1, ["e"]),
      environments: [env("e", 4, 8000, [], { freeVcpus: 1 })],
      waitingOn: [],
      host: host(4, 8000, { freeVcpus: 1 }),
    });
    expect(envShort.map((r) => r.kind)).toEqual(["RESOURCE_SHORT"]);
  });
});

describe("running-vCPU quotas", () => {
  const ids = (got: { jobId: string }[]) => got.map((p) => p.jobId);
  const quotas = (entries: [string, number, number][]) =>
    new Map(entries.map(([org, maxVcpus, heldVcpus]) => [org, { maxVcpus, heldVcpus }]));
  const mine = queue("mine", 1, ["e"], { organizationId: "A" });
  const theirs = queue("theirs", 1, ["e"], { organizationId: "B" });

  it("starts no more of an organization's jobs than its quota holds, whatever the environment has", () => {
    const jobs = Array.from({ length: 6 }, (_, i) => job(`a${i}`, "mine"));
    const got = place({
      queues: [mine],
      environments: [env("e", 8, 8000)],
      jobs,
      now: NOW,
      quotas: quotas([["A", 2, 0]]),
    });
    expect(ids(got)).toEqual(["a0", "a1"]);
    // What its running jobs hold counts: one more fits.
    const later = place({
      queues: [mine],
      environments: [env("e", 8, 8000)],
      jobs,
      now: NOW,
      quotas: quotas([["A", 2, 1]]),
    });
    expect(ids(later)).toEqual(["a0"]);
    // Held to the last vCPU: nothing.
    expect(
      place({ queues: [mine], environments: [env("e", 8, 8000)], jobs, now: NOW, quotas: quotas([["A", 2, 2]]) }),
    ).toEqual([]);
  });

  it("leaves the room to other organizations, with or without a quota", () => {
    const got = place({
      queues: [mine, theirs],
      environments: [env("e", 8, 8000)],
      jobs: [job("a0", "mine"), job("a1", "mine"), job("a2", "mine"), job("b0", "theirs"), job("b1", "theirs")],
      now: NOW,
      quotas: quotas([["A", 1, 0]]),
    });
    expect(ids(got).sort()).toEqual(["a0", "b0", "b1"]);
  });

  it("is one quota across the organization's queues", () => {
    const high = queue("high", 10, ["e1"], { organizationId: "A" });
    const low = queue("low", 1, ["e2"], { organizationId: "A" });
    const got = place({
      queues: [low, high],
      environments: [env("e1", 8, 8000), env("e2", 8, 8000)],
      jobs: [job("l0", "low"), job("h0", "high"), job("h1", "high"), job("l1", "low")],
      now: NOW,
      quotas: quotas([["A", 3, 0]]),
    });
    expect(ids(got)).toEqual(["h0", "h1", "l0"]);
  });

  it("lets smaller jobs of the organization past one the quota has no room for yet", () => {
    const got = place({
      queues: [mine],
      environments: [env("e", 8, 8000)],
      jobs: [job("big", "mine", { vcpus: 3 }), job("s0", "mine"), job("s1", "mine"), job("s2", "mine")],
      now: NOW,
      quotas: quotas([["A", 4, 2]]),
    });
    expect(ids(got)).toEqual(["s0", "s1"]);
  });

  it("holds the quota for a job that has waited long, without holding the environment", () => {
    const got = place({
      queues: [mine, theirs],
      environments: [env("e", 8, 8000)],
      jobs: [job("big", "mine", { vcpus: 3, runnableAt: NOW - STARVATION_MS }), job("s0", "mine"), job("b0", "theirs")],
      now: NOW,
      quotas: quotas([["A", 4, 2]]),
    });
    expect(ids(got)).toEqual(["b0"]);
    // A job larger than the quota itself never holds it: it would wait forever and hold all.
    const never = place({
      queues: [mine],
      environments: [env("e", 8, 8000)],
      jobs: [job("huge", "mine", { vcpus: 6, runnableAt: NOW - STARVATION_MS }), job("s0", "mine")],
      now: NOW,
      quotas: quotas([["A", 4, 2]]),
    });
    expect(ids(never)).toEqual(["s0"]);
  });

  it("counts fractional vCPUs without rounding errors", () => {
    const got = place({
      queues: [mine],
      environments: [env("e", 8, 8000)],
      jobs: [0, 1, 2, 3].map((i) => job(`t${i}`, "mine", { vcpus: 0.1 })),
      now: NOW,
      quotas: quotas([["A", 0.3, 0]]),
    });
    expect(ids(got)).toEqual(["t0", "t1", "t2"]);
  });

  it("says why a job waits for its organization's quota", () => {
    const input = { queue: mine, environments: [env("e", 8, 8000)], waitingOn: [] };
    expect(
      whyNotRunning({ ...input, job: job("j", "mine", { vcpus: 2 }), quota: { maxVcpus: 4, heldVcpus: 3 } }),
    ).toEqual([{ kind: "QUOTA_VCPUS", quota: 4, held: 3, requested: 2, never: false }]);
    expect(
      whyNotRunning({ ...input, job: job("j", "mine", { vcpus: 5 }), quota: { maxVcpus: 4, heldVcpus: 0 } }),
    ).toEqual([{ kind: "QUOTA_VCPUS", quota: 4, held: 0, requested: 5, never: true }]);
    expect(
      whyNotRunning({ ...input, job: job("j", "mine", { vcpus: 1 }), quota: { maxVcpus: 4, heldVcpus: 3 } }),
    ).toEqual([]);
  });
});

describe("fair share", () => {
  const fs = (patch = {}) => ({ computeReservation: 0, weights: [], usage: {}, running: {}, ...patch });

  it("interleaves shares with equal weights", () => {
    const jobs = [
      job("a1", "q", { shareIdentifier: "A" }),
      job("a2", "q", { shareIdentifier: "A" }),
      job("b1", "q", { shareIdentifier: "B" }),
    ];
    expect(dispatchOrder(jobs, fs()).map((j) => j.id)).toEqual(["a1", "b1", "a2"]);
  });

  it("a lower weight gets more of the queue", () => {
    const jobs = ["1", "2", "3", "4"].flatMap((n) => [
      job(`a${n}`, "q", { shareIdentifier: "A" }),
      job(`b${n}`, "q", { shareIdentifier: "B" }),
    ]);
    const order = dispatchOrder(jobs, fs({ weights: [{ shareIdentifier: "A", weightFactor: 0.25 }] })).map((j) => j.id);
    expect(order.slice(0, 5).filter((id) => id.startsWith("a")).length).toBeGreaterThanOrEqual(4);
  });

  it("past usage puts a share behind", () => {
    const jobs = [job("a1", "q", { shareIdentifier: "A" }), job("b1", "q", { shareIdentifier: "B" })];
    expect(dispatchOrder(jobs, fs({ usage: { A: 10 } }))[0]!.id).toBe("b1");
  });

  it("prefix weights apply to matching shares", () => {
    const jobs = [job("x", "q", { shareIdentifier: "teamB" }), job("y", "q", { shareIdentifier: "teamA1" })];
    const order = dispatchOrder(
      jobs,
      fs({ usage: { teamA1: 3, teamB: 1 }, weights: [{ shareIdentifier: "teamA*", weightFactor: 0.1 }] }),
    );
    expect(order[0]!.id).toBe("y");
  });

  it("computeReservation holds vCPUs back for inactive shares", () => {
    const jobs = [job("a1", "q", { shareIdentifier: "A" }), job("a2", "q", { shareIdentifier: "A" })];
    const got = place({
      queues: [queue("q", 1, ["e"], { fairShare: fs({ computeReservation: 50, running: { A: 1 } }) })],
      environments: [env("e", 4, 1000, [], { freeVcpus: 3 })],
      jobs,
      now: NOW,
    });
    // One active share: 50% of 4 vCPUs held back; A already uses 1, so only one more fits.
    expect(got.map((p) => p.jobId)).toEqual(["a1"]);
  });
});

describe("whyNotRunning", () => {
  const q = queue("q", 1, ["e1", "e2"]);
  it.each([
    {
      name: "waiting on a dependency",
      input: { job: job("j", "q"), queue: q, environments: [env("e1", 4, 1000)], waitingOn: ["dep"] },
      kinds: ["DEPENDENCY"],
    },
    {
      name: "queue disabled",
      input: { job: job("j", "q"), queue: { ...q, enabled: false }, environments: [env("e1", 4, 1000)], waitingOn: [] },
      kinds: ["QUEUE_DISABLED"],
    },
    {
      name: "memory short in one environment, other disabled",
      input: {
        job: job("j", "q", { memoryMiB: 500 }),
        queue: q,
        environments: [env("e1", 4, 1000, [], { freeMemoryMiB: 100 }), env("e2", 4, 1000, [], { enabled: false })],
        waitingOn: [],
        position: 3,
      },
      kinds: ["RESOURCE_SHORT", "ENVIRONMENT_DISABLED", "POSITION"],
    },
    {
      name: "larger than any environment",
      input: {
        job: job("j", "q", { vcpus: 16, gpus: 1 }),
        queue: q,
        environments: [env("e1", 4, 1000)],
        waitingOn: [],
      },
      kinds: ["NEVER_FITS"],
    },
    {
      name: "no environment",
      input: { job: job("j", "q"), queue: { ...q, environmentIds: [] }, environments: [], waitingOn: [] },
      kinds: ["NO_ENVIRONMENT"],
    },
  ])("$name", ({ input, kinds }) => {
    expect(whyNotRunning(input).map((r) => r.kind)).toEqual(kinds);
  });

  it("reports the amounts", () => {
    const [r] = whyNotRunning({
      job: job("j", "q", { memoryMiB: 500 }),
      queue: q,
      environments: [env("e1", 4, 1000, [], { freeMemoryMiB: 100 })],
      waitingOn: [],
    });
    expect(r).toEqual({
      kind: "RESOURCE_SHORT",
      environmentId: "e1",
      resource: "MEMORY",
      requested: 500,
      available: 100,
    });
  });
});

describe("the head of a queue, in AWS's words", () => {
  const host = { maxVcpus: 8, memoryMiB: 16_000, freeVcpus: 8, freeMemoryMiB: 16_000 };
  const cases: {
    name: string;
    job: Partial<PlacementJob>;
    envs: PlacementEnvironment[];
    host?: typeof host;
    expected: string | null;
  }[] = [
    { name: "fits now: no reason", job: {}, envs: [env("e", 4, 1000)], expected: null },
    {
      name: "more vCPUs than any environment",
      job: { vcpus: 16 },
      envs: [env("e1", 4, 100_000), env("e2", 8, 100_000)],
      expected: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    },
    {
      name: "more memory than any environment",
      job: { memoryMiB: 5000 },
      envs: [env("e", 4, 1000)],
      expected: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    },
    {
      name: "one environment lacks vCPUs, the other memory",
      job: { vcpus: 8, memoryMiB: 5000 },
      envs: [env("e1", 4, 100_000), env("e2", 16, 1000)],
      expected: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    },
    {
      name: "more than the machine hands out",
      job: { vcpus: 12 },
      envs: [env("e", 16, 100_000)],
      host,
      expected: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    },
    {
      name: "waits for room in its environment",
      job: { vcpus: 2 },
      envs: [env("e", 4, 1000, [], { freeVcpus: 1 })],
      expected: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    },
    {
      name: "waits for room on the machine",
      job: { vcpus: 2 },
      envs: [env("e", 4, 1000)],
      host: { ...host, freeVcpus: 1 },
      expected: "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    },
    {
      name: "a disabled environment is not counted; none enabled: nothing AWS names",
      job: { vcpus: 16 },
      envs: [env("e", 32, 100_000, [], { enabled: false })],
      expected: null,
    },
  ];
  it.each(cases)("$name", ({ job: patch, envs, host: h, expected }) => {
    expect(headOfQueueBlock(job("j", "q", patch), envs, h)?.reason ?? null).toBe(expected);
  });
});

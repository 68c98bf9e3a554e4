import { describe, expect, it } from "vitest";
import { neverFitsWarning, overHostWarnings, requestedAmount } from "./capacity-warnings";

const small = { name: "small", maxVcpus: 2, memoryMiB: 1024 };
const wide = { name: "wide", maxVcpus: 8, memoryMiB: 512 };
const tall = { name: "tall", maxVcpus: 1, memoryMiB: 8192 };

describe("neverFitsWarning", () => {
  it.each([
    ["fits the one environment", { vcpus: 2, memoryMiB: 1024 }, [small], null],
    ["nothing asked", {}, [small], null],
    ["no environments known", { vcpus: 64 }, [], null],
    ["fits one of several", { vcpus: 8, memoryMiB: 256 }, [small, wide], null],
    [
      "AWS does not say memory",
      { vcpus: 2, memoryMiB: 999_999 },
      [{ name: "aws", maxVcpus: 4, memoryMiB: null }],
      null,
    ],
    [
      "too many vCPUs",
      { vcpus: 64, memoryMiB: 128 },
      [small, wide],
      "No compute environment of queue q can ever run this job: it asks for 64 vCPUs, and the largest has 8 vCPUs. It would wait as RUNNABLE until cancelled.",
    ],
    [
      "too much memory",
      { vcpus: 1, memoryMiB: 999_999 },
      [small],
      "No compute environment of queue q can ever run this job: it asks for 999,999 MiB of memory, and the largest has 1,024 MiB. It would wait as RUNNABLE until cancelled.",
    ],
    [
      "both",
      { vcpus: 3, memoryMiB: 2048 },
      [small],
      "No compute environment of queue q can ever run this job: it asks for 3 vCPUs, and the largest has 2 vCPUs; it asks for 2,048 MiB of memory, and the largest has 1,024 MiB. It would wait as RUNNABLE until cancelled.",
    ],
    [
      "each resource somewhere, never together",
      { vcpus: 4, memoryMiB: 4096 },
      [wide, tall],
      "No compute environment of queue q can ever run this job: it asks for 4 vCPUs and 4,096 MiB, and none has both. It would wait as RUNNABLE until cancelled.",
    ],
  ])("%s", (_name, job, environments, expected) => {
    expect(neverFitsWarning(job, "q", environments)).toBe(expected);
  });
});

describe("overHostWarnings", () => {
  const host = { cpus: 4, memoryMiB: 16_000 };
  it("says nothing within the machine", () => {
    expect(overHostWarnings({ maxVcpus: 4, memoryMiB: 16_000 }, host)).toEqual([]);
    expect(overHostWarnings({}, host)).toEqual([]);
  });
  it("names each maximum past the machine", () => {
    const warnings = overHostWarnings({ maxVcpus: 100_000, memoryMiB: 20_000 }, host);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Maximum vCPUs \(100,000\) is more than the 4 vCPUs the engine's machine hands out/);
    expect(warnings[1]).toMatch(/^Memory \(20,000 MiB\) is more than the 16,000 MiB of the engine's machine/);
  });
});

describe("requestedAmount", () => {
  it("reads positive numbers only", () => {
    expect(["", " 2 ", "0.5", "0", "abc", "-1", undefined].map(requestedAmount)).toEqual([
      undefined,
      2,
      0.5,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { exactGiBSeconds, exactSeconds, exactVcpuSeconds } from "./units";

describe("exact usage figures", () => {
  it.each([
    [0n, "0"],
    [1n, "0.001"],
    [1_000n, "1"],
    [1_500n, "1.5"],
    [123_456_789_012_345_678_901n, "123456789012345678.901"],
  ])("exactSeconds(%s ms) is %s", (ms, text) => {
    expect(exactSeconds(ms)).toBe(text);
  });

  it.each([
    [0n, "0"],
    [1_024_000n, "1"],
    // 1 MiB for 1 ms: 1 / 1,024,000 GiB-s, which ends at the 13th decimal place.
    [1n, "0.0000009765625"],
    [512_000n * 3n, "1.5"],
    // 2^70 MiB-ms: beyond a double's exact integers, still exact.
    [2n ** 70n, "1152921504606846.976"],
  ])("exactGiBSeconds(%s MiB-ms) is %s", (mibMs, text) => {
    expect(exactGiBSeconds(mibMs)).toBe(text);
    const [whole, fraction = ""] = text.split(".");
    expect(BigInt(whole! + fraction.padEnd(13, "0")) * 1_024_000n).toBe(mibMs * 10n ** 13n);
  });

  it.each([
    [0, "0"],
    [250, "0.25"],
    [1_234.75, "1.23475"],
    [3_600_000, "3600"],
    [90_000_000_000.25, "90000000.00025"],
  ])("exactVcpuSeconds(%s vCPU-ms) is %s", (vcpuMs, text) => {
    expect(exactVcpuSeconds(vcpuMs)).toBe(text);
  });
});

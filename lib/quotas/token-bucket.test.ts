import { describe, expect, it } from "vitest";
import { msUntilToken, tokensAt } from "./token-bucket";
import { lockKeyOf } from "./waiting-jobs";

const rate = { ratePerSecond: 2, burst: 5 };

describe("token bucket arithmetic", () => {
  it("refills by elapsed time × rate, up to the burst", () => {
    expect(tokensAt({ tokens: 0, updatedAt: 1_000 }, rate, 1_000)).toBe(0);
    expect(tokensAt({ tokens: 0, updatedAt: 1_000 }, rate, 1_500)).toBe(1);
    expect(tokensAt({ tokens: 1.5, updatedAt: 1_000 }, rate, 2_000)).toBe(3.5);
    expect(tokensAt({ tokens: 0, updatedAt: 1_000 }, rate, 60_000)).toBe(5);
  });

  it("refills nothing for a clock behind the bucket's", () => {
    expect(tokensAt({ tokens: 0.25, updatedAt: 5_000 }, rate, 4_000)).toBe(0.25);
  });

  it("says how long until a whole token is there", () => {
    expect(msUntilToken({ tokens: 0, updatedAt: 1_000 }, rate, 1_000)).toBe(500);
    expect(msUntilToken({ tokens: 0.5, updatedAt: 1_000 }, rate, 1_000)).toBe(250);
    expect(msUntilToken({ tokens: 0, updatedAt: 1_000 }, rate, 1_400)).toBe(100);
    expect(msUntilToken({ tokens: 1, updatedAt: 1_000 }, rate, 1_000)).toBe(0);
    expect(msUntilToken({ tokens: 0, updatedAt: 0 }, { ratePerSecond: 0.01, burst: 1 }, 0)).toBe(100_000);
  });
});

describe("the waiting-jobs lock key", () => {
  it("is a stable signed 32-bit integer per organization", () => {
    const key = lockKeyOf("org-1");
    expect(key).toBe(lockKeyOf("org-1"));
    expect(Number.isInteger(key)).toBe(true);
    expect(key).toBeGreaterThanOrEqual(-(2 ** 31));
    expect(key).toBeLessThan(2 ** 31);
    expect(lockKeyOf("org-2")).not.toBe(key);
  });
});

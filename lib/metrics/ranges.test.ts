import { describe, expect, it } from "vitest";
import { RANGE_KEYS, RANGES, rangeWindow } from "./ranges";

describe("rangeWindow", () => {
  it("ends on a bucket boundary at or after now and draws 60–100 points", () => {
    const now = 1_800_000_123_456;
    for (const key of RANGE_KEYS) {
      const { from, to, bucket } = rangeWindow(key, now);
      expect(to).toBeGreaterThanOrEqual(now);
      expect(to - now).toBeLessThan(bucket);
      expect(to % bucket).toBe(0);
      expect(to - from).toBe(RANGES[key].ms);
      const points = (to - from) / bucket;
      expect(points).toBeGreaterThanOrEqual(60);
      expect(points).toBeLessThanOrEqual(100);
    }
  });

  it("uses buckets that whole compacted samples fit in (1 min past an hour, 15 min past a day)", () => {
    for (const key of RANGE_KEYS) {
      const { ms, bucket } = RANGES[key];
      if (ms > 3_600_000) expect(bucket % 60_000).toBe(0);
      if (ms > 86_400_000) expect(bucket % (15 * 60_000)).toBe(0);
    }
  });
});

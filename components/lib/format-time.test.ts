import { describe, expect, it } from "vitest";
import { formatAbsolute, formatDay, formatRelative, formatTick } from "./format-time";

const at = Date.UTC(2026, 11, 7, 14, 3, 9, 500);

describe("format-time", () => {
  it("writes absolute times in UTC, saying so", () => {
    expect(formatAbsolute(at)).toBe("2026-12-07 14:03:09 UTC");
    expect(formatDay(at)).toBe("2026-12-07");
  });

  it("writes chart ticks in UTC, with the weekday for long ranges", () => {
    expect(formatTick(at)).toBe("14:03");
    expect(formatTick(Date.UTC(2026, 11, 7, 0, 5))).toBe("00:05");
    expect(formatTick(at, true)).toBe("Mon 14:03");
  });

  it("writes relative times in the past and the future", () => {
    expect(formatRelative(at, at + 400)).toBe("just now");
    expect(formatRelative(at, at + 3 * 60_000 + 5)).toBe("3 min ago");
    expect(formatRelative(at, at - 2 * 3_600_000)).toBe("in 2 h");
  });
});

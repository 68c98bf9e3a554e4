import { describe, expect, it } from "vitest";
import { formatFigure, formatRate, formatTime } from "./format";

describe("dashboard figures", () => {
  it("shows throughput without pointless decimals, with its unit", () => {
    expect(formatRate(12)).toBe("12 jobs/min");
    expect(formatRate(12.46)).toBe("12 jobs/min");
    expect(formatRate(2.5)).toBe("2.5 jobs/min");
    expect(formatRate(3)).toBe("3 jobs/min");
    expect(formatRate(1234.4)).toBe("1,234 jobs/min");
    expect(formatRate(0.1)).toBe("6 jobs/h");
    expect(formatRate(0.005)).toBe("0.3 jobs/h");
    expect(formatRate(0)).toBe("0 jobs/min");
    expect(formatFigure(9.96)).toBe("10");
  });

  it("writes chart ticks in UTC", () => {
    const t = Date.UTC(2026, 11, 7, 9, 30);
    expect(formatTime(t, "1h")).toBe("09:30");
    expect(formatTime(t, "7d")).toBe("Mon 09:30");
  });
});

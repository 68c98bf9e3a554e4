import { describe, expect, it } from "vitest";
import { type DayPoint, stackByDay } from "./chart-series";

const H = 3600;
const days = ["2026-03-01", "2026-03-02", "2026-03-03"];

describe("stackByDay", () => {
  it("has a row for every day, zero where nothing ran, in vCPU-hours", () => {
    const points: DayPoint[] = [
      { day: "2026-03-01", key: "q1", label: "q1", vcpuSeconds: 2 * H },
      { day: "2026-03-03", key: "q1", label: "q1", vcpuSeconds: 0.5 * H },
    ];
    expect(stackByDay(days, points)).toEqual({
      series: [{ id: "s0", name: "q1" }],
      rows: [
        { day: "2026-03-01", s0: 2 },
        { day: "2026-03-02", s0: 0 },
        { day: "2026-03-03", s0: 0.5 },
      ],
      totalHours: 2.5,
    });
  });

  it("draws the top groups over the whole range and sums the rest as Other", () => {
    const points: DayPoint[] = [
      { day: "2026-03-01", key: "a", label: "a", vcpuSeconds: 10 * H },
      { day: "2026-03-02", key: "b", label: "b", vcpuSeconds: 8 * H },
      { day: "2026-03-02", key: "c", label: "c", vcpuSeconds: 1 * H },
      { day: "2026-03-03", key: null, label: "(no share identifier)", vcpuSeconds: 2 * H },
      { day: "2026-03-03", key: "c", label: "c", vcpuSeconds: 1 * H },
    ];
    const { series, rows, totalHours } = stackByDay(days, points, 2);
    expect(series).toEqual([
      { id: "s0", name: "a" },
      { id: "s1", name: "b" },
      { id: "other", name: "Other (2 more)" },
    ]);
    expect(rows).toEqual([
      { day: "2026-03-01", s0: 10, s1: 0, other: 0 },
      { day: "2026-03-02", s0: 0, s1: 8, other: 1 },
      { day: "2026-03-03", s0: 0, s1: 0, other: 3 },
    ]);
    expect(totalHours).toBe(22);
  });

  it("draws a single leftover group as itself rather than as Other", () => {
    const points: DayPoint[] = ["a", "b", "c"].map((k, i) => ({
      day: "2026-03-01",
      key: k,
      label: k,
      vcpuSeconds: (3 - i) * H,
    }));
    expect(stackByDay(days, points, 2).series.map((s) => s.name)).toEqual(["a", "b", "c"]);
  });

  it("is empty without usage", () => {
    expect(stackByDay(days, [])).toMatchObject({ series: [], totalHours: 0 });
  });
});

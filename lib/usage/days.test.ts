import { describe, expect, it } from "vitest";
import { addDays, type DayPiece, daysFrom, isUtcDay, splitAtUtcMidnights, utcDay } from "./days";

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;

describe("splitAtUtcMidnights", () => {
  const cases: [string, string, string, DayPiece[]][] = [
    ["within one day", "2026-03-01T10:00:00Z", "2026-03-01T11:30:00Z", [{ day: "2026-03-01", durationMs: 1.5 * H }]],
    ["zero length", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", [{ day: "2026-03-01", durationMs: 0 }]],
    [
      "stop before start (two clocks)",
      "2026-03-01T10:00:00Z",
      "2026-03-01T09:59:59Z",
      [{ day: "2026-03-01", durationMs: 0 }],
    ],
    [
      "starts exactly at midnight",
      "2026-03-02T00:00:00Z",
      "2026-03-02T01:00:00Z",
      [{ day: "2026-03-02", durationMs: H }],
    ],
    [
      "ends exactly at midnight",
      "2026-03-01T23:00:00Z",
      "2026-03-02T00:00:00Z",
      [{ day: "2026-03-01", durationMs: H }],
    ],
    [
      "one millisecond past midnight",
      "2026-03-01T23:59:59.999Z",
      "2026-03-02T00:00:00.001Z",
      [
        { day: "2026-03-01", durationMs: 1 },
        { day: "2026-03-02", durationMs: 1 },
      ],
    ],
    [
      "across one midnight",
      "2026-03-01T22:00:00Z",
      "2026-03-02T03:15:00Z",
      [
        { day: "2026-03-01", durationMs: 2 * H },
        { day: "2026-03-02", durationMs: 3.25 * H },
      ],
    ],
    [
      "spanning three days",
      "2026-02-28T12:00:00Z",
      "2026-03-02T06:00:00Z",
      [
        { day: "2026-02-28", durationMs: 12 * H },
        { day: "2026-03-01", durationMs: 24 * H },
        { day: "2026-03-02", durationMs: 6 * H },
      ],
    ],
    [
      "a whole day, midnight to midnight",
      "2026-03-01T00:00:00Z",
      "2026-03-02T00:00:00Z",
      [{ day: "2026-03-01", durationMs: 24 * H }],
    ],
    [
      "leap day and year end",
      "2028-12-31T23:30:00Z",
      "2029-01-01T00:30:00Z",
      [
        { day: "2028-12-31", durationMs: 0.5 * H },
        { day: "2029-01-01", durationMs: 0.5 * H },
      ],
    ],
  ];
  it.each(cases)("%s", (_name, start, stop, expected) => {
    expect(splitAtUtcMidnights(at(start), at(stop))).toEqual(expected);
  });

  it("adds up exactly to the run's length, whatever the run", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2_000; i++) {
      const start = at("2026-01-01T00:00:00Z") + (next() % (90 * 24)) * 1_234_567 + (next() % 1000);
      const stop = start + (next() % 5) * next();
      const pieces = splitAtUtcMidnights(start, stop);
      expect(pieces.reduce((s, p) => s + p.durationMs, 0)).toBe(stop - start);
      expect(pieces.every((p) => p.durationMs <= 24 * H)).toBe(true);
      expect(new Set(pieces.map((p) => p.day)).size).toBe(pieces.length);
      expect(pieces[0]!.day).toBe(utcDay(start));
    }
  });
});

describe("days", () => {
  it("reads and steps UTC days", () => {
    expect(utcDay(at("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(daysFrom("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(daysFrom("2026-03-02", "2026-03-01")).toEqual([]);
  });

  it.each([
    ["2026-03-01", true],
    ["2028-02-29", true],
    ["2026-02-29", false],
    ["2026-02-30", false],
    ["2026-3-1", false],
    ["2026-03-01T00:00:00Z", false],
    ["", false],
  ])("isUtcDay(%j) is %s", (text, ok) => {
    expect(isUtcDay(text)).toBe(ok);
  });
});

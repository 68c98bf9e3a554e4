import { describe, expect, it } from "vitest";
import { csvField, usageCsv, usageCsvFilename } from "./usage-csv";
import type { UsageDayGroup, UsageFigures, UsageGroupBy, UsageReport } from "./usage-report";

const figures = (vcpuMs: number, memoryMiBMs: bigint, gpuMs: bigint, attempts = 1): UsageFigures => ({
  attempts,
  vcpuMs,
  memoryMiBMs,
  gpuMs,
  vcpuSeconds: vcpuMs / 1000,
  memoryGiBSeconds: Number(memoryMiBMs) / 1_024_000,
  gpuSeconds: Number(gpuMs) / 1000,
});

function report(groupBy: UsageGroupBy, byDay: UsageDayGroup[]): UsageReport {
  return { from: "2026-03-01", to: "2026-03-02", groupBy, totals: figures(0, 0n, 0n, 0), groups: [], byDay };
}

describe("usageCsv", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\r", '"cr\r"'],
    ["", ""],
  ])("field %j is written %j", (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it("writes a header and one row per day and group, exact, CRLF", () => {
    const csv = usageCsv(
      report("queue", [
        { day: "2026-03-01", key: "q,1", label: "q,1", ...figures(1_500.25, 1_024_000n, 2_000n, 2) },
        { day: "2026-03-02", key: "=HYPERLINK(1)", label: "=HYPERLINK(1)", ...figures(1, 1n, 0n) },
      ]),
    );
    expect(csv).toBe(
      "day,job_queue,attempts,vcpu_seconds,memory_gib_seconds,gpu_seconds\r\n" +
        '2026-03-01,"q,1",2,1.50025,1,2\r\n' +
        "2026-03-02,'=HYPERLINK(1),1,0.001,0.0000009765625,0\r\n",
    );
  });

  it("names users by email and id, and leaves the email empty for a deleted user", () => {
    const csv = usageCsv(
      report("user", [
        { day: "2026-03-01", key: "u1", label: "a@example.com", email: "a@example.com", ...figures(1_000, 0n, 0n) },
        { day: "2026-03-01", key: "u2", label: "deleted user u2", email: null, ...figures(1_000, 0n, 0n) },
        { day: "2026-03-01", key: null, label: "(no submitter recorded)", email: null, ...figures(1_000, 0n, 0n) },
      ]),
    );
    expect(csv.split("\r\n")).toEqual([
      "day,user_email,user_id,attempts,vcpu_seconds,memory_gib_seconds,gpu_seconds",
      "2026-03-01,a@example.com,u1,1,1,0,0",
      "2026-03-01,,u2,1,1,0,0",
      "2026-03-01,,,1,1,0,0",
      "",
    ]);
  });

  it("has no group column by day, and a file name that says the range", () => {
    const r = report("day", [{ day: "2026-03-01", key: "2026-03-01", label: "2026-03-01", ...figures(0, 0n, 0n) }]);
    expect(usageCsv(r)).toBe("day,attempts,vcpu_seconds,memory_gib_seconds,gpu_seconds\r\n2026-03-01,1,0,0,0\r\n");
    expect(usageCsvFilename(r)).toBe("usage-2026-03-01-to-2026-03-02-by-day.csv");
  });
});

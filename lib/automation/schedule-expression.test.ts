import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  describeScheduleExpression,
  fireTimesBetween,
  nextFireTimes,
  parseScheduleExpression,
  type ScheduleExpression,
  validateTimeZone,
} from "./schedule-expression";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace(".000Z", "Z"));

type Extra = { startDate?: string; endDate?: string; anchor?: string };
const dates = (extra: Extra) => ({
  startDate: extra.startDate ? new Date(extra.startDate) : undefined,
  endDate: extra.endDate ? new Date(extra.endDate) : undefined,
  anchor: extra.anchor ? new Date(extra.anchor) : undefined,
});

function next(text: string, after: string, count = 3, timezone = "UTC", extra: Extra = {}): string[] {
  const expr = parseScheduleExpression(text);
  return iso(nextFireTimes(expr, { after: new Date(after), timezone, count, ...dates(extra) }));
}

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INVALID_INPUT");
    return (error as AppError).message;
  }
  throw new Error("expected an INVALID_INPUT error");
}

// 2027-01-01 is a Friday.
const NEW_YEAR = "2027-01-01T00:00:00Z";

describe("AWS's documented cron examples (UTC)", () => {
  const cases: [string, string, string[]][] = [
    ["cron(0 10 * * ? *)", NEW_YEAR, ["2027-01-01T10:00:00Z", "2027-01-02T10:00:00Z", "2027-01-03T10:00:00Z"]],
    ["cron(15 12 * * ? *)", NEW_YEAR, ["2027-01-01T12:15:00Z", "2027-01-02T12:15:00Z", "2027-01-03T12:15:00Z"]],
    ["cron(0 18 ? * MON-FRI *)", NEW_YEAR, ["2027-01-01T18:00:00Z", "2027-01-04T18:00:00Z", "2027-01-05T18:00:00Z"]],
    ["cron(0 8 1 * ? *)", NEW_YEAR, ["2027-01-01T08:00:00Z", "2027-02-01T08:00:00Z", "2027-03-01T08:00:00Z"]],
    ["cron(0/15 * * * ? *)", NEW_YEAR, ["2027-01-01T00:15:00Z", "2027-01-01T00:30:00Z", "2027-01-01T00:45:00Z"]],
    [
      "cron(0/10 * ? * MON-FRI *)",
      "2027-01-01T23:45:00Z",
      ["2027-01-01T23:50:00Z", "2027-01-04T00:00:00Z", "2027-01-04T00:10:00Z"],
    ],
    [
      "cron(0/5 8-17 ? * MON-FRI *)",
      "2027-01-01T17:50:00Z",
      ["2027-01-01T17:55:00Z", "2027-01-04T08:00:00Z", "2027-01-04T08:05:00Z"],
    ],
    ["cron(0 9 ? * 2#1 *)", NEW_YEAR, ["2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z", "2027-03-01T09:00:00Z"]],
    ["cron(0 0 L * ? *)", NEW_YEAR, ["2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"]],
    [
      "cron(0 0 L * ? *)",
      "2028-02-01T00:00:00Z",
      ["2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z", "2028-04-30T00:00:00Z"],
    ],
    ["cron(0 0 ? * 6L *)", NEW_YEAR, ["2027-01-29T00:00:00Z", "2027-02-26T00:00:00Z", "2027-03-26T00:00:00Z"]],
    ["cron(0 12 15W * ? *)", NEW_YEAR, ["2027-01-15T12:00:00Z", "2027-02-15T12:00:00Z", "2027-03-15T12:00:00Z"]],
    // 2027-05-15 is a Saturday (→ Friday 14th); 2027-08-15 a Sunday (→ Monday 16th).
    [
      "cron(0 12 15W * ? *)",
      "2027-05-01T00:00:00Z",
      ["2027-05-14T12:00:00Z", "2027-06-15T12:00:00Z", "2027-07-15T12:00:00Z"],
    ],
    [
      "cron(0 12 15W * ? *)",
      "2027-08-01T00:00:00Z",
      ["2027-08-16T12:00:00Z", "2027-09-15T12:00:00Z", "2027-10-15T12:00:00Z"],
    ],
    ["cron(0 0 1 1 ? 2027-2028)", "2026-06-01T00:00:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]],
  ];
  it.each(cases)("%s after %s", (text, after, expected) => {
    expect(next(text, after, 3)).toEqual(expected);
  });
});

describe("day-of-week: AWS 1-7 (1 = SUN) mapped to croner", () => {
  const cases: [string, string[]][] = [
    ["1", ["2027-01-03", "2027-01-10", "2027-01-17"]],
    ["SUN", ["2027-01-03", "2027-01-10", "2027-01-17"]],
    ["7", ["2027-01-02", "2027-01-09", "2027-01-16"]],
    ["2-6", ["2027-01-01", "2027-01-04", "2027-01-05"]],
    ["mon-fri", ["2027-01-01", "2027-01-04", "2027-01-05"]],
    ["1,7", ["2027-01-02", "2027-01-03", "2027-01-09"]],
    ["1-7/2", ["2027-01-02", "2027-01-03", "2027-01-05"]], // SUN, TUE, THU, SAT
    ["L", ["2027-01-02", "2027-01-09", "2027-01-16"]], // the last day of the week: Saturday
    ["1L", ["2027-01-31", "2027-02-28", "2027-03-28"]],
    ["7#1", ["2027-01-02", "2027-02-06", "2027-03-06"]],
    ["1#1", ["2027-01-03", "2027-02-07", "2027-03-07"]],
    ["SAT#2", ["2027-01-09", "2027-02-13", "2027-03-13"]],
    ["FRI#5", ["2027-01-29", "2027-04-30", "2027-07-30"]],
  ];
  it.each(cases)("cron(0 12 ? * %s *)", (dow, days) => {
    expect(next(`cron(0 12 ? * ${dow} *)`, NEW_YEAR)).toEqual(days.map((d) => `${d}T12:00:00Z`));
  });
});

describe("months and years", () => {
  it("takes month names, ranges and steps", () => {
    expect(next("cron(0 0 1 JAN-MAR ? *)", "2026-12-31T12:00:00Z", 4)).toEqual([
      "2027-01-01T00:00:00Z",
      "2027-02-01T00:00:00Z",
      "2027-03-01T00:00:00Z",
      "2028-01-01T00:00:00Z",
    ]);
    expect(next("cron(0 0 1 1/6 ? *)", "2026-12-31T12:00:00Z")).toEqual([
      "2027-01-01T00:00:00Z",
      "2027-07-01T00:00:00Z",
      "2028-01-01T00:00:00Z",
    ]);
  });

  it("returns nothing once every allowed year is past, without searching on", () => {
    expect(next("cron(0 0 1 1 ? 2027-2028)", "2028-01-01T00:00:00Z")).toEqual([]);
    expect(next("cron(0/5 * * * ? 1999)", NEW_YEAR)).toEqual([]);
  });

  it("jumps to a far allowed year and steps through years", () => {
    expect(next("cron(0 12 1 1 ? 2020/4)", NEW_YEAR, 2)).toEqual(["2028-01-01T12:00:00Z", "2032-01-01T12:00:00Z"]);
    // Paris is UTC+1 in winter: 2150-01-01 00:00 local.
    expect(next("cron(0/5 * * * ? 2150)", NEW_YEAR, 2, "Europe/Paris")).toEqual([
      "2149-12-31T23:00:00Z",
      "2149-12-31T23:05:00Z",
    ]);
  });

  it("judges the year in the schedule's time zone", () => {
    // 23:30 on 31 December 2027 in New York is already 2028 in UTC.
    expect(next("cron(30 23 31 12 ? 2027)", "2027-06-01T00:00:00Z", 3, "America/New_York")).toEqual([
      "2028-01-01T04:30:00Z",
    ]);
  });

  it("returns nothing for a date that never comes", () => {
    expect(next("cron(0 0 30 2 ? *)", NEW_YEAR)).toEqual([]);
  });
});

describe("startDate and endDate (cron)", () => {
  it("fires from startDate (inclusive) to endDate (inclusive)", () => {
    const window = { startDate: "2027-01-05T10:00:00Z", endDate: "2027-01-07T10:00:00Z" };
    expect(next("cron(0 10 * * ? *)", NEW_YEAR, 5, "UTC", window)).toEqual([
      "2027-01-05T10:00:00Z",
      "2027-01-06T10:00:00Z",
      "2027-01-07T10:00:00Z",
    ]);
    expect(next("cron(0 10 * * ? *)", NEW_YEAR, 1, "UTC", { startDate: "2027-01-05T10:00:00.500Z" })).toEqual([
      "2027-01-06T10:00:00Z",
    ]);
  });

  it("is strictly after `after`, even within the same second", () => {
    expect(next("cron(0 10 * * ? *)", "2027-01-01T10:00:00Z", 1)).toEqual(["2027-01-02T10:00:00Z"]);
    expect(next("cron(0 10 * * ? *)", "2027-01-01T10:00:00.500Z", 1)).toEqual(["2027-01-02T10:00:00Z"]);
    expect(next("cron(0 10 * * ? *)", "2027-01-01T09:59:59.999Z", 1)).toEqual(["2027-01-01T10:00:00Z"]);
  });
});

describe("daylight saving time", () => {
  const NY = "America/New_York";
  const LONDON = "Europe/London";

  it("New York spring forward: 02:30 does not exist on 2027-03-14 and runs at 03:00 EDT (croner)", () => {
    expect(next("cron(30 2 * * ? *)", "2027-03-13T00:00:00Z", 3, NY)).toEqual([
      "2027-03-13T07:30:00Z",
      "2027-03-14T07:00:00Z",
      "2027-03-15T06:30:00Z",
    ]);
  });

  it("New York spring forward: a job with several times skips the ones that do not exist", () => {
    expect(next("cron(0/30 2 * * ? *)", "2027-03-13T00:00:00Z", 3, NY)).toEqual([
      "2027-03-13T07:00:00Z",
      "2027-03-13T07:30:00Z",
      "2027-03-15T06:00:00Z",
    ]);
  });

  it("New York fall back: 01:30 occurs twice on 2027-11-07 and fires once, at its first occurrence", () => {
    expect(next("cron(30 1 * * ? *)", "2027-11-06T00:00:00Z", 3, NY)).toEqual([
      "2027-11-06T05:30:00Z",
      "2027-11-07T05:30:00Z",
      "2027-11-08T06:30:00Z",
    ]);
    // Asked from between the two passes: the repeat is not a fire.
    expect(next("cron(30 1 * * ? *)", "2027-11-07T05:45:00Z", 1, NY)).toEqual(["2027-11-08T06:30:00Z"]);
  });

  it("New York fall back: a job with several times does not repeat the hour either", () => {
    expect(next("cron(0/30 * * * ? *)", "2027-11-07T04:45:00Z", 3, NY)).toEqual([
      "2027-11-07T05:00:00Z", // 01:00 EDT
      "2027-11-07T05:30:00Z", // 01:30 EDT; 01:00 and 01:30 EST are skipped
      "2027-11-07T07:00:00Z", // 02:00 EST
    ]);
    expect(next("cron(0/30 1 * * ? *)", "2027-11-07T04:00:00Z", 3, NY)).toEqual([
      "2027-11-07T05:00:00Z",
      "2027-11-07T05:30:00Z",
      "2027-11-08T06:00:00Z",
    ]);
  });

  it("London: 01:30 is missing on 2027-03-28 and repeated on 2027-10-31", () => {
    expect(next("cron(30 1 * * ? *)", "2027-03-27T12:00:00Z", 2, LONDON)).toEqual([
      "2027-03-28T01:00:00Z", // 02:00 BST, the first valid time after the gap
      "2027-03-29T00:30:00Z",
    ]);
    expect(next("cron(30 1 * * ? *)", "2027-10-30T12:00:00Z", 2, LONDON)).toEqual([
      "2027-10-31T00:30:00Z", // 01:30 BST; 01:30 GMT does not fire
      "2027-11-01T01:30:00Z",
    ]);
  });

  it("London: 09:00 every day keeps the wall clock across both changes", () => {
    expect(next("cron(0 9 * * ? *)", "2027-03-27T12:00:00Z", 2, LONDON)).toEqual([
      "2027-03-28T08:00:00Z",
      "2027-03-29T08:00:00Z",
    ]);
    expect(next("cron(0 9 * * ? *)", "2027-10-30T12:00:00Z", 2, LONDON)).toEqual([
      "2027-10-31T09:00:00Z",
      "2027-11-01T09:00:00Z",
    ]);
  });
});

describe("rate", () => {
  it("parses AWS's unit forms, singular only for 1", () => {
    expect(parseScheduleExpression("rate(1 minute)")).toEqual({ kind: "rate", value: 1, unit: "minutes" });
    expect(parseScheduleExpression("rate(5 minutes)")).toEqual({ kind: "rate", value: 5, unit: "minutes" });
    expect(parseScheduleExpression("rate(1 hour)")).toEqual({ kind: "rate", value: 1, unit: "hours" });
    expect(parseScheduleExpression("rate(7 days)")).toEqual({ kind: "rate", value: 7, unit: "days" });
    expect(invalidMessage(() => parseScheduleExpression("rate(1 hours)"))).toBe(
      "rate(1 hours) is not valid; write rate(1 hour)",
    );
    expect(invalidMessage(() => parseScheduleExpression("rate(5 hour)"))).toBe(
      "rate(5 hour) is not valid; write rate(5 hours)",
    );
  });

  it("counts from the anchor, which is itself a fire", () => {
    const anchor = "2027-01-01T00:00:30Z";
    expect(next("rate(1 minute)", "2027-01-01T00:05:00Z", 3, "UTC", { anchor })).toEqual([
      "2027-01-01T00:05:30Z",
      "2027-01-01T00:06:30Z",
      "2027-01-01T00:07:30Z",
    ]);
    expect(next("rate(5 minutes)", "2026-12-31T23:00:00Z", 2, "UTC", { anchor: NEW_YEAR })).toEqual([
      "2027-01-01T00:00:00Z",
      "2027-01-01T00:05:00Z",
    ]);
  });

  it("falls back to startDate, then the Unix epoch, as the anchor", () => {
    expect(next("rate(5 minutes)", NEW_YEAR, 2, "UTC", { startDate: "2027-01-01T00:02:00Z" })).toEqual([
      "2027-01-01T00:02:00Z",
      "2027-01-01T00:07:00Z",
    ]);
    expect(next("rate(5 minutes)", "2027-01-01T00:01:00Z", 2)).toEqual([
      "2027-01-01T00:05:00Z",
      "2027-01-01T00:10:00Z",
    ]);
  });

  it("respects startDate and endDate on the anchor's grid", () => {
    const extra = { anchor: NEW_YEAR, startDate: "2027-01-01T05:00:00Z", endDate: "2027-01-01T08:00:00Z" };
    expect(next("rate(2 hours)", NEW_YEAR, 5, "UTC", extra)).toEqual(["2027-01-01T06:00:00Z", "2027-01-01T08:00:00Z"]);
  });

  it("ignores the time zone: a day is 24 hours across a DST change", () => {
    const anchor = "2027-03-13T12:00:00Z";
    expect(next("rate(1 day)", anchor, 2, "America/New_York", { anchor })).toEqual([
      "2027-03-14T12:00:00Z",
      "2027-03-15T12:00:00Z",
    ]);
  });
});

describe("at", () => {
  it("is local time in the schedule's zone", () => {
    expect(next("at(2027-01-01T09:00:00)", "2026-12-07T00:00:00Z", 5, "Europe/Paris")).toEqual([
      "2027-01-01T08:00:00Z",
    ]);
    expect(next("at(2027-07-01T09:00:00)", "2026-12-07T00:00:00Z", 5, "Europe/Paris")).toEqual([
      "2027-07-01T07:00:00Z",
    ]);
    expect(next("at(2027-01-01T09:00:00)", "2027-01-01T08:00:00Z", 5, "Europe/Paris")).toEqual([]);
  });

  it("moves a time in a spring-forward gap on by the gap, and takes a repeated one's first occurrence", () => {
    expect(next("at(2027-03-14T02:30:00)", NEW_YEAR, 1, "America/New_York")).toEqual(["2027-03-14T07:30:00Z"]);
    expect(next("at(2027-11-07T01:30:00)", NEW_YEAR, 1, "America/New_York")).toEqual(["2027-11-07T05:30:00Z"]);
  });

  it("ignores startDate and endDate, as AWS does for one-time schedules", () => {
    const extra = { startDate: "2027-06-01T00:00:00Z", endDate: "2027-06-02T00:00:00Z" };
    expect(next("at(2027-01-01T09:00:00)", NEW_YEAR, 1, "UTC", extra)).toEqual(["2027-01-01T09:00:00Z"]);
  });
});

describe("fireTimesBetween", () => {
  const hourly = parseScheduleExpression("cron(0 * * * ? *)");
  const between = (expr: ScheduleExpression, from: string, to: string, limit = 100, extra: Extra = {}) =>
    iso(fireTimesBetween(expr, { from: new Date(from), to: new Date(to), timezone: "UTC", limit, ...dates(extra) }));

  it("is exclusive of from and inclusive of to", () => {
    expect(between(hourly, NEW_YEAR, "2027-01-01T03:00:00Z")).toEqual([
      "2027-01-01T01:00:00Z",
      "2027-01-01T02:00:00Z",
      "2027-01-01T03:00:00Z",
    ]);
  });

  it("stops at the limit and at endDate", () => {
    expect(between(hourly, NEW_YEAR, "2027-01-01T03:00:00Z", 2)).toEqual([
      "2027-01-01T01:00:00Z",
      "2027-01-01T02:00:00Z",
    ]);
    expect(between(hourly, NEW_YEAR, "2027-01-01T03:00:00Z", 100, { endDate: "2027-01-01T02:30:00Z" })).toEqual([
      "2027-01-01T01:00:00Z",
      "2027-01-01T02:00:00Z",
    ]);
    expect(between(hourly, "2027-01-01T03:00:00Z", "2027-01-01T03:00:00Z")).toEqual([]);
  });

  it("covers rate and at", () => {
    const rate = parseScheduleExpression("rate(30 minutes)");
    expect(between(rate, NEW_YEAR, "2027-01-01T01:00:00Z", 100, { anchor: NEW_YEAR })).toEqual([
      "2027-01-01T00:30:00Z",
      "2027-01-01T01:00:00Z",
    ]);
    const at = parseScheduleExpression("at(2027-01-01T00:30:00)");
    expect(between(at, NEW_YEAR, "2027-01-01T01:00:00Z")).toEqual(["2027-01-01T00:30:00Z"]);
    expect(between(at, NEW_YEAR, "2027-01-01T00:29:59Z")).toEqual([]);
  });

  it("finds a month of minutely slots after downtime", () => {
    const minutely = parseScheduleExpression("cron(* * * * ? *)");
    const slots = between(minutely, NEW_YEAR, "2027-01-31T00:00:00Z", 1_000_000);
    expect(slots).toHaveLength(30 * 24 * 60);
    expect(slots.at(-1)).toBe("2027-01-31T00:00:00Z");
  });
});

describe("errors", () => {
  const cases: [string, string][] = [
    ["cron(0 10 1 * MON *)", 'day-of-month ("1") and day-of-week ("MON") cannot both be set; put ? in one of them'],
    ["cron(0 10 * * * *)", 'day-of-month ("*") and day-of-week ("*") cannot both be set; put ? in one of them'],
    ["cron(0 10 ? * ? *)", "day-of-month and day-of-week are both ?; set one and leave ? in the other"],
    ["cron(0 10 * * ?)", "cron expressions have 6 fields (minutes hours day-of-month month day-of-week year); got 5"],
    ["cron(60 10 * * ? *)", "minutes field: 60 is out of range 0-59"],
    ["cron(0 24 * * ? *)", "hours field: 24 is out of range 0-23"],
    ["cron(0 10 * FOO ? *)", 'month field: "FOO" is not a number 1-12 or a name JAN-DEC'],
    ["cron(0 10 ? * 8 *)", "day-of-week field: 8 is out of range 1-7"],
    ["cron(0 10 ? * 2#6 *)", 'day-of-week field: "2#6" asks for occurrence 6; use #1-#5'],
    ["cron(0 10 ? * 6L,2 *)", 'day-of-week field: "6L,2" combines L, W or # with other values; they must stand alone'],
    ["cron(0 17-8 * * ? *)", 'hours field: range "17-8" runs backwards; put the smaller value first'],
    ["cron(0/0 10 * * ? *)", 'minutes field: step "0" in "0/0" must be 1-60'],
    ["cron(0 ? * * ? *)", 'hours field: "?" is only allowed in day-of-month and day-of-week'],
    ["cron(0 10 * * ? 2200)", "year field: 2200 is out of range 1970-2199"],
    ["cron(0 10 32W * ? *)", "day-of-month field: 32 is out of range 1-31"],
    ["rate(0 minutes)", 'rate value must be a positive whole number; got "0"'],
    ["rate(1.5 hours)", 'rate value must be a positive whole number; got "1.5"'],
    ["rate(5 weeks)", 'rate unit must be minute, minutes, hour, hours, day or days; got "weeks"'],
    ["rate(5)", 'rate expressions are rate(value unit), e.g. rate(5 minutes); got "5"'],
    ["at(2027-13-01T00:00:00)", "at(2027-13-01T00:00:00): month 13 is out of range 01-12"],
    ["at(2027-02-29T00:00:00)", "at(2027-02-29T00:00:00): day 29 is out of range 01-28"],
    ["at(2027-01-01T24:00:00)", "at(2027-01-01T24:00:00): 24:00:00 is not a valid time"],
    ["at(2027-01-01 09:00)", 'at expressions are at(yyyy-mm-ddThh:mm:ss); got "at(2027-01-01 09:00)"'],
    ["every 5 minutes", 'schedule expressions are at(...), rate(...) or cron(...); got "every 5 minutes"'],
  ];
  it.each(cases)("%s", (text, message) => {
    expect(invalidMessage(() => parseScheduleExpression(text))).toBe(message);
  });

  it("rejects an unknown time zone", () => {
    expect(validateTimeZone("Europe/Paris")).toBe("Europe/Paris");
    expect(validateTimeZone("europe/paris")).toBe("Europe/Paris");
    expect(validateTimeZone("UTC")).toBe("UTC");
    for (const tz of ["Mars/Olympus_Mons", "+01:00", ""]) {
      expect(invalidMessage(() => validateTimeZone(tz))).toBe(`"${tz}" is not an IANA time zone`);
    }
    const expr = parseScheduleExpression("cron(0 10 * * ? *)");
    const opts = { after: new Date(NEW_YEAR), timezone: "Nowhere/Land", count: 1 };
    expect(invalidMessage(() => nextFireTimes(expr, opts))).toBe('"Nowhere/Land" is not an IANA time zone');
  });

  it("rejects an invalid date", () => {
    const expr = parseScheduleExpression("cron(0 10 * * ? *)");
    const window = { from: new Date(NEW_YEAR), to: new Date("soon"), timezone: "UTC", limit: 10 };
    expect(invalidMessage(() => fireTimesBetween(expr, window))).toBe("to is not a valid date");
    const opts = { after: new Date(NEW_YEAR), timezone: "UTC", count: 1, endDate: new Date(Number.NaN) };
    expect(invalidMessage(() => nextFireTimes(expr, opts))).toBe("endDate is not a valid date");
  });

  it("rejects a bad count", () => {
    const expr = parseScheduleExpression("rate(5 minutes)");
    expect(nextFireTimes(expr, { after: new Date(NEW_YEAR), timezone: "UTC", count: 0 })).toEqual([]);
    expect(invalidMessage(() => nextFireTimes(expr, { after: new Date(NEW_YEAR), timezone: "UTC", count: -1 }))).toBe(
      "count must be a whole number ≥ 0; got -1",
    );
  });
});

describe("describeScheduleExpression", () => {
  const cases: [string, string][] = [
    ["rate(5 minutes)", "every 5 minutes"],
    ["rate(1 minute)", "every minute"],
    ["rate(1 day)", "every day"],
    ["at(2027-01-01T09:00:00)", "once, at 2027-01-01 09:00:00"],
    ["cron(15 8 * * ? *)", "at 08:15 every day"],
    ["cron(0 10 ? * 2#1 *)", "at 10:00 on the first Monday of every month"],
    ["cron(0 18 ? * MON-FRI *)", "at 18:00 on Monday through Friday"],
    ["cron(0 8 1 * ? *)", "at 08:00 on day 1 of every month"],
    ["cron(0/15 * * * ? *)", "every 15 minutes"],
    ["cron(0/10 * ? * MON-FRI *)", "every 10 minutes on Monday through Friday"],
    ["cron(0/5 8-17 ? * MON-FRI *)", "every 5 minutes between 08:00 and 17:59 on Monday through Friday"],
    ["cron(0 0 L * ? *)", "at 00:00 on the last day of every month"],
    ["cron(0 0 ? * 6L *)", "at 00:00 on the last Friday of every month"],
    ["cron(0 12 15W * ? *)", "at 12:00 on the weekday nearest day 15 of every month"],
    ["cron(0 0 1 1 ? 2027-2028)", "at 00:00 on day 1 of January in 2027-2028"],
    ["cron(0 9,17 ? * 1,7 *)", "at 09:00 and 17:00 on Sunday and Saturday"],
    ["cron(0 0/2 * * ? *)", "every 2 hours from 00:00"],
    ["cron(5,35 * * * ? *)", "at 5 and 35 minutes past every hour"],
    ["cron(0 * * * ? *)", "every hour, on the hour"],
    ["cron(30 6 1,15 JAN-MAR ? *)", "at 06:30 on days 1 and 15 of January through March"],
    ["cron(0 12 ? DEC 1/2 *)", "at 12:00 on Sunday, Tuesday, Thursday and Saturday in December"],
  ];
  it.each(cases)("%s → %s", (text, words) => {
    expect(describeScheduleExpression(parseScheduleExpression(text))).toBe(words);
  });

  it("never throws, falling back to the fields", () => {
    const broken = { kind: "cron", minutes: "99", hours: "x", dayOfMonth: "?", month: "*", dayOfWeek: "?", year: "*" };
    expect(describeScheduleExpression(broken as ScheduleExpression)).toBe(
      "cron schedule: minutes 99, hours x, day-of-month ?, month *, day-of-week ?, year *",
    );
    expect(() => describeScheduleExpression({} as ScheduleExpression)).not.toThrow();
    expect(() => describeScheduleExpression(null as unknown as ScheduleExpression)).not.toThrow();
  });
});

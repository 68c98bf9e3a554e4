// AWS EventBridge Scheduler schedule expressions: at(...), rate(...) and cron(...). This file
// owns AWS's grammar; croner does the calendar walking. Where the two differ:
//
//   AWS day-of-week 1-7, 1 = SUN      → croner 0-6, mapped value by value here (ranges and lists
//                                       are expanded first; `6L` → `5L`, `2#1` → `1#1`, `L` → SAT)
//   AWS `?` (any) in day fields        → croner `*` (croner reads `?` as "the value at start-up")
//   AWS year field (1970-2199)         → croner gets five fields; fire times are filtered by their
//                                       year in the schedule's zone here, jumping to the next
//                                       allowed year, and stopping after the last one
//
// Daylight saving, cron (wall clock in the schedule's zone):
//   a time in a spring-forward gap     → as croner does: a job with one minute and one hour value
//                                       (`30 2 * * ? *`) runs at the first valid time after the
//                                       gap (03:00 in New York); other jobs skip the missing times.
//                                       AWS documents skipping in both cases.
//   a time repeated by a fall-back     → fires once, at its first occurrence (croner does this for
//                                       one-value jobs; the second pass is dropped here for others)
// at(...): a local time in a gap moves forward by the gap (croner: 02:30 → 03:30 in New York); a
//   repeated one means its first occurrence. StartDate and EndDate are ignored, as AWS does for
//   one-time schedules.
// rate(...): fixed intervals from the anchor (creation time or start date; the Unix epoch when
//   neither is given), time zone ignored. The anchor itself is a fire: AWS invokes a rate schedule
//   at once when it has no start date.

import { Cron } from "croner";
import { AppError } from "@/lib/errors";

export type ScheduleExpression =
  | {
      kind: "cron";
      /** The six AWS fields as written, upper-cased. */
      minutes: string;
      hours: string;
      dayOfMonth: string;
      month: string;
      dayOfWeek: string;
      year: string;
    }
  | { kind: "rate"; value: number; unit: "minutes" | "hours" | "days" }
  /** Wall-clock time in the schedule's time zone, `yyyy-mm-ddThh:mm:ss`. */
  | { kind: "at"; dateTime: string };

type CronExpression = Extract<ScheduleExpression, { kind: "cron" }>;
type RateUnit = Extract<ScheduleExpression, { kind: "rate" }>["unit"];

/** startDate: no fire before it; endDate: no fire after it (both ignored by at). anchor: what rate
 *  intervals count from, the schedule's creation time or start date. */
type FireOptions = { timezone: string; startDate?: Date; endDate?: Date; anchor?: Date };
/** `after` is exclusive. */
type NextFireOptions = FireOptions & { after: Date; count: number };
/** `from` is exclusive, `to` inclusive. */
type FireWindowOptions = FireOptions & { from: Date; to: Date; limit: number };

const invalid = (message: string) => new AppError("INVALID_INPUT", message);

// ---------------------------------------------------------------------------------------------
// Grammar

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** The noun for one value, in descriptions. */
  unit: string;
}

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const FIELDS = {
  minutes: { name: "minutes", min: 0, max: 59, unit: "minute" },
  hours: { name: "hours", min: 0, max: 23, unit: "hour" },
  dayOfMonth: { name: "day-of-month", min: 1, max: 31, unit: "day" },
  month: { name: "month", min: 1, max: 12, names: MONTH_NAMES, unit: "month" },
  dayOfWeek: { name: "day-of-week", min: 1, max: 7, names: DAY_NAMES, unit: "day" },
  year: { name: "year", min: 1970, max: 2199, unit: "year" },
} satisfies Record<string, FieldSpec>;

const FIELD_ORDER = ["minutes", "hours", "dayOfMonth", "month", "dayOfWeek", "year"] as const;

type Item =
  | { kind: "range"; from: number; to: number; step: number }
  /** Day-of-month: the last day. Day-of-week: Saturday. */
  | { kind: "last" }
  | { kind: "lastWeekday" }
  | { kind: "nearestWeekday"; day: number }
  | { kind: "lastOf"; day: number }
  | { kind: "nth"; day: number; nth: number };

/** null: any value (`*` or `?`). */
type Field = Item[] | null;
type CronFields = Record<(typeof FIELD_ORDER)[number], Field>;

const NUMBER = /^\d{1,4}$/;

function allowed(spec: FieldSpec): string {
  const names = spec.names ? ` or a name ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : "";
  return `a number ${spec.min}-${spec.max}${names}`;
}

function parseValue(token: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(token) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!NUMBER.test(token)) throw invalid(`${spec.name} field: "${token}" is not ${allowed(spec)}`);
  const value = Number(token);
  if (value < spec.min || value > spec.max) {
    throw invalid(`${spec.name} field: ${value} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}

function parseSpecial(item: string, spec: FieldSpec): Item | undefined {
  if (spec === FIELDS.dayOfMonth) {
    if (item === "L") return { kind: "last" };
    if (item === "LW") return { kind: "lastWeekday" };
    const weekday = /^(\d+)W$/.exec(item);
    if (weekday) return { kind: "nearestWeekday", day: parseValue(weekday[1]!, spec) };
  }
  if (spec === FIELDS.dayOfWeek) {
    if (item === "L") return { kind: "last" };
    const last = /^([A-Z0-9]+)L$/.exec(item);
    if (last) return { kind: "lastOf", day: parseValue(last[1]!, spec) };
    const nth = /^([A-Z0-9]+)#(\d+)$/.exec(item);
    if (nth) {
      const n = Number(nth[2]);
      if (n < 1 || n > 5) throw invalid(`day-of-week field: "${item}" asks for occurrence ${n}; use #1-#5`);
      return { kind: "nth", day: parseValue(nth[1]!, spec), nth: n };
    }
  }
  return undefined;
}

function parseItem(item: string, spec: FieldSpec): Item {
  if (item === "") throw invalid(`${spec.name} field: empty value in a list`);
  if (item === "*" || item === "?") throw invalid(`${spec.name} field: "${item}" cannot be part of a list`);
  const special = parseSpecial(item, spec);
  if (special) return special;

  const [base = "", stepText, extra] = item.split("/");
  if (extra !== undefined) throw invalid(`${spec.name} field: "${item}" has more than one "/"`);
  let step = 1;
  if (stepText !== undefined) {
    step = NUMBER.test(stepText) ? Number(stepText) : 0;
    if (step < 1 || step > spec.max - spec.min + 1) {
      throw invalid(`${spec.name} field: step "${stepText}" in "${item}" must be 1-${spec.max - spec.min + 1}`);
    }
  }
  if (base === "*") return { kind: "range", from: spec.min, to: spec.max, step };
  const [fromText = "", toText, more] = base.split("-");
  if (more !== undefined) throw invalid(`${spec.name} field: "${item}" is not a range`);
  const from = parseValue(fromText, spec);
  const to = toText !== undefined ? parseValue(toText, spec) : stepText !== undefined ? spec.max : from;
  if (from > to) throw invalid(`${spec.name} field: range "${base}" runs backwards; put the smaller value first`);
  return { kind: "range", from, to, step };
}

function parseField(text: string, spec: FieldSpec): Field {
  const dayField = spec === FIELDS.dayOfMonth || spec === FIELDS.dayOfWeek;
  if (text === "?") {
    if (!dayField) throw invalid(`${spec.name} field: "?" is only allowed in day-of-month and day-of-week`);
    return null;
  }
  if (text === "*") return null;
  const items = text.split(",").map((item) => parseItem(item, spec));
  if (items.length > 1 && items.some((item) => item.kind !== "range")) {
    throw invalid(`${spec.name} field: "${text}" combines L, W or # with other values; they must stand alone`);
  }
  return items;
}

function parseCronFields(expr: CronExpression): CronFields {
  const fields = {} as CronFields;
  for (const key of FIELD_ORDER) fields[key] = parseField(expr[key], FIELDS[key]);
  const days = `day-of-month ("${expr.dayOfMonth}") and day-of-week ("${expr.dayOfWeek}")`;
  const questions = Number(expr.dayOfMonth === "?") + Number(expr.dayOfWeek === "?");
  if (questions === 2) throw invalid("day-of-month and day-of-week are both ?; set one and leave ? in the other");
  if (questions === 0) throw invalid(`${days} cannot both be set; put ? in one of them`);
  return fields;
}

function parseCron(body: string): CronExpression {
  const parts = body.trim().split(/\s+/).filter(Boolean);
  const six = "6 fields (minutes hours day-of-month month day-of-week year)";
  if (parts.length !== 6) throw invalid(`cron expressions have ${six}; got ${parts.length}`);
  const expr = { kind: "cron" } as CronExpression;
  FIELD_ORDER.forEach((key, i) => {
    expr[key] = parts[i]!.toUpperCase();
  });
  compileCron(expr, "UTC"); // croner's own checks, for anything the grammar above let through
  return expr;
}

const RATE_UNITS: Record<string, RateUnit> = { minute: "minutes", hour: "hours", day: "days" };
const UNIT_MS: Record<RateUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** Keeps value × unit inside the range of a Date. */
const MAX_RATE_MS = 100 * 366 * 86_400_000;

function parseRate(body: string): ScheduleExpression {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 2) throw invalid(`rate expressions are rate(value unit), e.g. rate(5 minutes); got "${body}"`);
  const [valueText = "", unitText = ""] = parts;
  const value = /^\d+$/.test(valueText) ? Number(valueText) : 0;
  if (value < 1) throw invalid(`rate value must be a positive whole number; got "${valueText}"`);
  const plural = unitText.endsWith("s");
  const unit = RATE_UNITS[plural ? unitText.slice(0, -1) : unitText];
  if (!unit) throw invalid(`rate unit must be minute, minutes, hour, hours, day or days; got "${unitText}"`);
  // AWS: "rate(1 hours) and rate(5 hour) are not valid, but rate(1 hour) and rate(5 hours) are".
  const right = value === 1 ? unit.slice(0, -1) : unit;
  if (plural !== value > 1) throw invalid(`rate(${value} ${unitText}) is not valid; write rate(${value} ${right})`);
  if (value * UNIT_MS[unit] > MAX_RATE_MS) throw invalid(`rate(${body.trim()}) is longer than 100 years`);
  return { kind: "rate", value, unit };
}

function checkAtDateTime(text: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw invalid(`at expressions are at(yyyy-mm-ddThh:mm:ss); got "at(${text})"`);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12) throw invalid(`at(${text}): month ${month} is out of range 01-12`);
  if (day < 1 || day > daysInMonth) throw invalid(`at(${text}): day ${day} is out of range 01-${daysInMonth}`);
  if (hour > 23 || minute > 59 || second > 59) throw invalid(`at(${text}): ${text.slice(11)} is not a valid time`);
}

export function parseScheduleExpression(text: string): ScheduleExpression {
  const m = /^(at|rate|cron)\((.*)\)$/s.exec(text.trim());
  if (!m) throw invalid(`schedule expressions are at(...), rate(...) or cron(...); got "${text}"`);
  const body = m[2]!;
  if (m[1] === "rate") return parseRate(body);
  if (m[1] === "at") {
    checkAtDateTime(body.trim());
    return { kind: "at", dateTime: body.trim() };
  }
  return parseCron(body);
}

export function validateTimeZone(tz: string): string {
  // Intl also takes offsets such as "+01:00"; AWS takes only IANA names.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) throw invalid(`"${tz}" is not an IANA time zone`);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw invalid(`"${tz}" is not an IANA time zone`);
  }
  // Keep the name as given (Intl may canonicalise Asia/Kolkata to Asia/Calcutta) but fix its case.
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function values(items: Item[]): number[] {
  const out = new Set<number>();
  for (const item of items) {
    if (item.kind !== "range") continue;
    for (let v = item.from; v <= item.to; v += item.step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function single(field: Field): number | undefined {
  const item = field?.length === 1 ? field[0] : undefined;
  return item?.kind === "range" && item.from === item.to ? item.from : undefined;
}

function cronerDayOfMonth(field: Field): string {
  const item = field?.[0];
  if (!field || !item) return "*";
  if (item.kind === "last") return "L";
  if (item.kind === "lastWeekday") return "LW";
  if (item.kind === "nearestWeekday") return `${item.day}W`;
  return values(field).join(",");
}

function cronerDayOfWeek(field: Field): string {
  const item = field?.[0];
  if (!field || !item) return "*";
  if (item.kind === "last") return "6";
  if (item.kind === "lastOf") return `${item.day - 1}L`;
  if (item.kind === "nth") return `${item.day - 1}#${item.nth}`;
  return values(field)
    .map((v) => v - 1)
    .join(",");
}

/** croner for the five fields it has; the minutes it fires at and the years allowed (null: any). */
function compileCron(
  expr: CronExpression,
  timezone: string,
): { cron: Cron; minutes: number[]; years: number[] | null } {
  const f = parseCronFields(expr);
  const list = (field: Field) => (field ? values(field).join(",") : "*");
  const dom = cronerDayOfMonth(f.dayOfMonth);
  const pattern = `${list(f.minutes)} ${list(f.hours)} ${dom} ${list(f.month)} ${cronerDayOfWeek(f.dayOfWeek)}`;
  try {
    const cron = new Cron(pattern, { timezone, mode: "5-part" });
    const minutes = f.minutes ? values(f.minutes) : Array.from({ length: 60 }, (_, m) => m);
    return { cron, minutes, years: f.year && values(f.year) };
  } catch (error) {
    throw invalid(`cron(${FIELD_ORDER.map((k) => expr[k]).join(" ")}) is not valid: ${(error as Error).message}`);
  }
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** UTC offsets (ms) in one zone, memoised by instant: fire times are whole minutes and repeat. */
function zoneOffsets(timezone: string): (ms: number) => number {
  let format = offsetFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    offsetFormats.set(timezone, format);
  }
  const cache = new Map<number, number>();
  return (ms) => {
    let offset = cache.get(ms);
    if (offset === undefined) {
      if (cache.size > 10_000) cache.clear();
      // "GMT", "GMT+05:45", "GMT-03:30"
      const name = format.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "";
      const [, sign, hh = "0", mm = "0"] = /([+-])(\d\d):(\d\d)/.exec(name) ?? [];
      offset = (sign === "-" ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
      cache.set(ms, offset);
    }
    return offset;
  };
}

/** Whether `ms` is the second pass over a wall time that a fall-back repeats. */
function isRepeatedWallTime(ms: number, offset: (ms: number) => number): boolean {
  const shift = offset(ms - 3 * 3_600_000) - offset(ms);
  return shift > 0 && offset(ms - shift) === offset(ms - 3 * 3_600_000);
}

/** A local date-time in `timezone`, read as croner reads it. */
function atInstant(dateTime: string, timezone: string): number {
  checkAtDateTime(dateTime);
  const once = new Cron(dateTime, { timezone }).getOnce();
  if (!once) throw invalid(`at(${dateTime}) could not be placed in ${timezone}`);
  return once.getTime();
}

/** `until`: inclusive, the caller's window (endDate is applied separately). */
type Window = FireOptions & { after: number; until: number; count: number };

function cronFires(expr: CronExpression, w: Window): Date[] {
  const { cron, minutes, years } = compileCron(expr, w.timezone);
  const offset = zoneOffsets(w.timezone);
  // After a fire, the next one in the same local hour is the next listed minute, when the clock
  // does not change in between: found without croner, which costs ~50 µs a call.
  const sameHour = (fire: number) => {
    const minute = new Date(fire + offset(fire)).getUTCMinutes();
    // croner moves a one-minute job out of a spring-forward gap, maybe to a minute it does not list.
    if (!minutes.includes(minute)) return undefined;
    const later = minutes.find((m) => m > minute);
    const candidate = later === undefined ? undefined : fire + (later - minute) * 60_000;
    return candidate !== undefined && offset(candidate) === offset(fire) ? candidate : undefined;
  };
  const until = Math.min(w.until, w.endDate?.getTime() ?? Number.POSITIVE_INFINITY);
  // croner returns runs strictly after the reference's whole second.
  let ref = Math.max(w.after, (w.startDate?.getTime() ?? Number.NEGATIVE_INFINITY) - 1);
  let lastFire: number | undefined;
  const out: Date[] = [];
  while (out.length < w.count) {
    const next = (lastFire !== undefined ? sameHour(lastFire) : undefined) ?? cron.nextRun(new Date(ref))?.getTime();
    if (next === undefined || next > until) break;
    const year = years ? new Date(next + offset(next)).getUTCFullYear() : 0;
    if (years && !years.includes(year)) {
      const nextYear = years.find((y) => y > year);
      if (nextYear === undefined) break;
      ref = Math.max(atInstant(`${nextYear}-01-01T00:00:00`, w.timezone) - 1000, next);
      lastFire = undefined;
      continue;
    }
    ref = lastFire = next;
    if (!isRepeatedWallTime(next, offset)) out.push(new Date(next));
  }
  return out;
}

function rateFires(expr: Extract<ScheduleExpression, { kind: "rate" }>, w: Window): Date[] {
  const interval = expr.value * UNIT_MS[expr.unit];
  if (!Number.isSafeInteger(interval) || interval <= 0 || interval > MAX_RATE_MS) {
    throw invalid(`rate(${expr.value} ${expr.unit}) is not a valid rate`);
  }
  const anchor = (w.anchor ?? w.startDate ?? new Date(0)).getTime();
  const until = Math.min(w.until, w.endDate?.getTime() ?? Number.POSITIVE_INFINITY, 8.64e15);
  let k = Math.max(0, Math.floor((w.after - anchor) / interval) + 1);
  if (w.startDate) k = Math.max(k, Math.ceil((w.startDate.getTime() - anchor) / interval));
  const out: Date[] = [];
  for (let t = anchor + k * interval; out.length < w.count && t <= until; t += interval) out.push(new Date(t));
  return out;
}

function fires(expr: ScheduleExpression, w: Window): Date[] {
  const times = { after: w.after, to: w.until, startDate: w.startDate?.getTime(), endDate: w.endDate?.getTime() };
  const bad = Object.entries({ ...times, anchor: w.anchor?.getTime() }).find(([, t]) => Number.isNaN(t));
  if (bad) throw invalid(`${bad[0]} is not a valid date`);
  if (!Number.isInteger(w.count) || w.count < 0) throw invalid(`count must be a whole number ≥ 0; got ${w.count}`);
  const timezone = validateTimeZone(w.timezone);
  if (w.count === 0) return [];
  switch (expr.kind) {
    case "cron":
      return cronFires(expr, { ...w, timezone });
    case "rate":
      return rateFires(expr, w);
    case "at": {
      const at = atInstant(expr.dateTime, timezone);
      return at > w.after && at <= w.until ? [new Date(at)] : [];
    }
  }
}

/** The next `count` fire instants strictly after `after`. See the top of this file for DST. */
export function nextFireTimes(expr: ScheduleExpression, opts: NextFireOptions): Date[] {
  return fires(expr, { ...opts, after: opts.after.getTime(), until: Number.POSITIVE_INFINITY });
}

/** The slots in (from, to], at most `limit` of them, earliest first. */
export function fireTimesBetween(expr: ScheduleExpression, opts: FireWindowOptions): Date[] {
  const { from, to, limit, ...rest } = opts;
  if (to.getTime() <= from.getTime()) return [];
  return fires(expr, { ...rest, after: from.getTime(), until: to.getTime(), count: limit });
}

// ---------------------------------------------------------------------------------------------
// Description

const MONTHS = "January February March April May June July August September October November December".split(" ");
const DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday".split(" ");
const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

const pad = (n: number) => String(n).padStart(2, "0");
const hhmm = (h: number, m: number) => `${pad(h)}:${pad(m)}`;
const ordinal = (n: number) =>
  `${n}${n % 100 > 10 && n % 100 < 14 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th")}`;

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function valueName(v: number, spec: FieldSpec): string {
  if (spec === FIELDS.month) return MONTHS[v - 1] ?? String(v);
  if (spec === FIELDS.dayOfWeek) return DAYS[v - 1] ?? String(v);
  return String(v);
}

function listText(items: Item[], spec: FieldSpec): string {
  const all = values(items);
  if (items.some((i) => i.kind === "range" && i.step > 1) && all.length <= 6) {
    return joinWords(all.map((v) => valueName(v, spec)));
  }
  const words = items.map((item) => {
    if (item.kind !== "range") return "";
    const from = valueName(item.from, spec);
    if (item.step > 1) {
      const through = item.to === spec.max ? "" : ` through ${valueName(item.to, spec)}`;
      return `every ${ordinal(item.step)} ${spec.unit} from ${from}${through}`;
    }
    if (item.from === item.to) return from;
    return spec.names ? `${from} through ${valueName(item.to, spec)}` : `${from}-${item.to}`;
  });
  return joinWords(words);
}

function describeHours(hours: Field): string {
  if (!hours) return "";
  const item = hours[0];
  if (hours.length === 1 && item?.kind === "range" && item.step === 1) {
    return ` between ${hhmm(item.from, 0)} and ${hhmm(item.to, 59)}`;
  }
  const stepped = hours.some((i) => i.kind === "range" && i.step > 1);
  return ` during ${stepped ? "" : "hours "}${listText(hours, FIELDS.hours)}`;
}

function describeTime(minutes: Field, hours: Field): string {
  const m = single(minutes);
  const hourItem = hours?.length === 1 ? hours[0] : undefined;
  if (m !== undefined && hours) {
    const hourValues = values(hours);
    if (hourValues.length <= 6) return `at ${joinWords(hourValues.map((h) => hhmm(h, m)))}`;
    if (hourItem?.kind === "range" && hourItem.step > 1 && hourItem.to === 23) {
      return `every ${hourItem.step} hours from ${hhmm(hourItem.from, m)}`;
    }
    return `at ${m} minutes past the hour${describeHours(hours)}`;
  }
  if (!minutes) return `every minute${describeHours(hours)}`;
  const item = minutes.length === 1 ? minutes[0] : undefined;
  if (item?.kind === "range" && item.step > 1 && item.to === 59) {
    const start = item.from === 0 ? "" : ` from minute ${item.from}`;
    return `every ${item.step} minutes${start}${describeHours(hours)}`;
  }
  if (hours) return `at minutes ${listText(minutes, FIELDS.minutes)}${describeHours(hours)}`;
  return m === 0 ? "every hour, on the hour" : `at ${listText(minutes, FIELDS.minutes)} minutes past every hour`;
}

function describeDays(f: CronFields, frequent: boolean): string {
  const months = f.month ? listText(f.month, FIELDS.month) : null;
  const ofMonths = months ?? "every month";
  const inMonths = months ? ` in ${months}` : "";
  const dom = f.dayOfMonth?.[0];
  if (f.dayOfMonth && dom) {
    if (dom.kind === "last") return `on the last day of ${ofMonths}`;
    if (dom.kind === "lastWeekday") return `on the last weekday of ${ofMonths}`;
    if (dom.kind === "nearestWeekday") return `on the weekday nearest day ${dom.day} of ${ofMonths}`;
    const word = values(f.dayOfMonth).length === 1 ? "day" : "days";
    return `on ${word} ${listText(f.dayOfMonth, FIELDS.dayOfMonth)} of ${ofMonths}`;
  }
  const dow = f.dayOfWeek?.[0];
  if (f.dayOfWeek && dow) {
    if (dow.kind === "last") return `on Saturday${inMonths}`;
    if (dow.kind === "lastOf") return `on the last ${DAYS[dow.day - 1]} of ${ofMonths}`;
    if (dow.kind === "nth") return `on the ${ORDINALS[dow.nth - 1]} ${DAYS[dow.day - 1]} of ${ofMonths}`;
    return `on ${listText(f.dayOfWeek, FIELDS.dayOfWeek)}${inMonths}`;
  }
  return frequent ? inMonths.trim() : `every day${inMonths}`;
}

function describeCron(expr: CronExpression): string {
  const f = parseCronFields(expr);
  const time = describeTime(f.minutes, f.hours);
  // "every 15 minutes every day" says the last two words twice.
  const days = describeDays(f, f.hours === null || time.startsWith("every"));
  const years = f.year ? ` in ${listText(f.year, FIELDS.year)}` : "";
  return `${time}${days ? ` ${days}` : ""}${years}`;
}

function fieldByField(expr: ScheduleExpression): string {
  if (expr?.kind !== "cron") return `schedule ${JSON.stringify(expr)}`;
  return `cron schedule: ${FIELD_ORDER.map((k) => `${FIELDS[k].name} ${String(expr[k])}`).join(", ")}`;
}

/** English words for a schedule. Never throws; unusual combinations get a field-by-field text. */
export function describeScheduleExpression(expr: ScheduleExpression): string {
  try {
    switch (expr.kind) {
      case "rate": {
        const unit = expr.unit.slice(0, -1);
        return expr.value === 1 ? `every ${unit}` : `every ${expr.value} ${expr.unit}`;
      }
      case "at":
        return `once, at ${expr.dateTime.replace("T", " ")}`;
      case "cron":
        return describeCron(expr);
    }
    return fieldByField(expr);
  } catch {
    try {
      return fieldByField(expr);
    } catch {
      return "a schedule that cannot be described";
    }
  }
}

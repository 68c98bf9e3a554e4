// UTC days, as UsageRecord keys them ("YYYY-MM-DD"), and an attempt's run split at UTC
// midnights: the pieces' durations add up exactly to stoppedAt − startedAt, so usage summed
// by day is the same figure as usage summed by attempt.

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day an instant (epoch ms) falls in. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Is `text` a real calendar day written YYYY-MM-DD (2026-02-30 is not)? */
export function isUtcDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && utcDay(ms) === text;
}

/** Midnight (epoch ms) starting a UTC day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return utcDay(dayStart(day) + n * DAY_MS);
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = dayStart(from), end = dayStart(to); t <= end; t += DAY_MS) out.push(utcDay(t));
  return out;
}

export interface DayPiece {
  day: string;
  durationMs: number;
}

/**
 * The run from `startedAt` to `stoppedAt` (epoch ms) cut at each UTC midnight it crosses: one
 * piece per day it ran in, in order. A day is [00:00, next 00:00), so a run ending exactly at
 * midnight has no piece in the day that begins then, and one starting at midnight belongs to
 * that day. A run of no length (or one whose stop precedes its start, clocks of two machines)
 * is one piece of 0 ms on its start day: it still counts as an attempt.
 */
export function splitAtUtcMidnights(startedAt: number, stoppedAt: number): DayPiece[] {
  if (stoppedAt <= startedAt) return [{ day: utcDay(startedAt), durationMs: 0 }];
  const pieces: DayPiece[] = [];
  let from = startedAt;
  while (from < stoppedAt) {
    const nextMidnight = Math.floor(from / DAY_MS) * DAY_MS + DAY_MS;
    const to = Math.min(nextMidnight, stoppedAt);
    pieces.push({ day: utcDay(from), durationMs: to - from });
    from = to;
  }
  return pieces;
}

import { formatTick } from "@/components/lib/format-time";
import type { RangeKey } from "@/lib/metrics/ranges";

// One number format on the server and in the browser, so the first render hydrates as is.
const counts = new Intl.NumberFormat("en-US");
export const count = (n: number) => counts.format(n);

/** A chart tick: the time of day in UTC, with the weekday over a week (components/lib/format-time.ts). */
export function formatTime(t: number, range: RangeKey): string {
  return formatTick(t, range === "7d");
}

const upToOneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** A figure without pointless decimals: whole when 10 or more, at most one decimal under 10. */
export function formatFigure(n: number): string {
  return n >= 10 ? counts.format(Math.round(n)) : upToOneDecimal.format(n);
}

/**
 * Jobs finished per minute, with its unit: "12 jobs/min", "2.5 jobs/min"; under one a minute
 * it is said per hour ("6 jobs/h", "0.4 jobs/h") rather than as "0.0".
 */
export function formatRate(perMinute: number): string {
  if (perMinute <= 0) return "0 jobs/min";
  if (perMinute >= 1) return `${formatFigure(perMinute)} jobs/min`;
  return `${formatFigure(perMinute * 60)} jobs/h`;
}

export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

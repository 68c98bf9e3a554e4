"use client";

import { useEffect, useState } from "react";

/** "3 min ago" / "in 2 h", from a difference in milliseconds. */
export function relative(ms: number, now: number): string {
  const diff = now - ms;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1_000, "s"],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return diff >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return "just now";
}

export const utc = (ms: number) => `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC`;

/** A duration in words: "1 h 4 min", "12.3 s". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h ? `${h} h ${m} min` : `${m} min ${rest} s`;
}

/** The current time, ticking, so relative times stay true between refreshes. */
function useNow(intervalMs = 10_000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/**
 * A time shown relative to now, with the exact UTC time on hover and for screen readers. The
 * server renders the exact time; the browser switches to the relative form once it knows its
 * clock, so the two never disagree during hydration.
 */
export function RelativeTime({ ms }: { ms: number | undefined }) {
  const now = useNow();
  if (ms === undefined) return <span className="text-slate-400">—</span>;
  const exact = utc(ms);
  return (
    <time dateTime={new Date(ms).toISOString()} title={exact} className="whitespace-nowrap">
      {now === null ? exact : relative(ms, now)}
    </time>
  );
}

/** How long from `from` to `to`, or to now (ticking each second) while `to` is not known yet. */
export function Elapsed({ from, to }: { from: number; to?: number }) {
  const now = useNow(1_000);
  if (to !== undefined) return <>{duration(to - from)}</>;
  if (now === null) return <>running</>;
  return <>{duration(Math.max(0, now - from))} so far</>;
}

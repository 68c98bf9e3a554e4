"use client";

import { useEffect, useState } from "react";
import { formatAbsolute, formatRelative } from "@/components/lib/format-time";

/** "3 min ago" / "in 2 h" (components/lib/format-time.ts). */
export const relative = formatRelative;

/** "2026-12-07 14:03:09 UTC": the one absolute format (components/lib/format-time.ts). */
export const utc = formatAbsolute;

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
  const exact = formatAbsolute(ms);
  return (
    <time dateTime={new Date(ms).toISOString()} title={exact} className="whitespace-nowrap">
      {now === null ? exact : formatRelative(ms, now)}
    </time>
  );
}

/** An absolute time as the console writes it everywhere ("2026-12-07 14:03:09 UTC"). */
export function AbsoluteTime({ ms }: { ms: number | undefined }) {
  if (ms === undefined) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} className="whitespace-nowrap">
      {formatAbsolute(ms)}
    </time>
  );
}

/** How long from `from` to `to`, or to now (ticking each second) while `to` is not known yet. */
export function Elapsed({
  from,
  to,
  suffix = " so far",
  placeholder = "running",
}: {
  from: number;
  to?: number;
  /** After a ticking duration ("12 s so far"). */
  suffix?: string;
  /** Before the browser knows its clock (the server's render). */
  placeholder?: string;
}) {
  const now = useNow(1_000);
  if (to !== undefined) return <>{duration(to - from)}</>;
  if (now === null) return <>{placeholder}</>;
  return (
    <>
      {duration(Math.max(0, now - from))}
      {suffix}
    </>
  );
}

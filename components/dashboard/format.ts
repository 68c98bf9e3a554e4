import type { RangeKey } from "@/lib/metrics/ranges";

// One number format on the server and in the browser, so the first render hydrates as is.
const counts = new Intl.NumberFormat("en-US");
export const count = (n: number) => counts.format(n);

export function formatTime(t: number, range: RangeKey): string {
  const d = new Date(t);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  return range === "7d" ? `${d.toLocaleDateString([], { weekday: "short" })} ${time}` : time;
}

export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

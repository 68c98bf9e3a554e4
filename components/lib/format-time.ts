// The console's one way of writing a time, on the server and in the browser alike (so the
// first render hydrates as is): absolute times in UTC, saying so ("2026-12-07 14:03:09 UTC"),
// relative times as "3 min ago" / "in 2 h". Every page formats through here
// (components/jobs/time.tsx wraps them in <time> elements).

/** "2026-12-07 14:03:09 UTC": every absolute time the console shows. */
export function formatAbsolute(ms: number): string {
  return `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** "2026-12-07": a day (an invitation's expiry), in UTC like every other time. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const clock = new Intl.DateTimeFormat("en-US", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});
const weekday = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: "UTC" });

/** A chart's axis tick, in UTC like every other time ("14:03", or "Mon 14:03" with `day`); the chart says "UTC". */
export function formatTick(ms: number, day = false): string {
  const d = new Date(ms);
  return day ? `${weekday.format(d)} ${clock.format(d)}` : clock.format(d);
}

/** "3 min ago" / "in 2 h" / "just now", from `ms` as seen at `now`. */
export function formatRelative(ms: number, now: number): string {
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

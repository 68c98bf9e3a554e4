// The Usage chart's data: vCPU-hours per UTC day, stacked by group, the groups that used the
// most over the whole range drawn on their own and the rest summed as one "Other" series.
// Every day of the range has a row, zero where nothing ran, so the bars line up with the days.

export interface DayPoint {
  day: string;
  /** The group's identity (null: no share, no submitter) and how it is shown. */
  key: string | null;
  label: string;
  vcpuSeconds: number;
}

export interface StackSeries {
  /** The row field holding this series' values ("s0", "s1", …: labels may hold dots, which charts read as paths). */
  id: string;
  name: string;
}

export type StackRow = { day: string } & Record<string, number | string>;

export interface StackedUsage {
  series: StackSeries[];
  rows: StackRow[];
  totalHours: number;
}

export const OTHER_ID = "other";

const identity = (p: DayPoint) => (p.key === null ? `none:${p.label}` : `key:${p.key}`);

export function stackByDay(days: readonly string[], points: readonly DayPoint[], top = 6): StackedUsage {
  const totals = new Map<string, { name: string; seconds: number }>();
  for (const p of points) {
    const id = identity(p);
    const entry = totals.get(id) ?? { name: p.label, seconds: 0 };
    entry.seconds += p.vcpuSeconds;
    totals.set(id, entry);
  }
  const ranked = [...totals.entries()].sort(
    ([, a], [, b]) => b.seconds - a.seconds || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  // "Other" only when it stands for two groups or more; a single leftover is drawn as itself.
  const shown = ranked.length > top + 1 ? ranked.slice(0, top) : ranked;
  const rest = ranked.length - shown.length;
  const seriesOf = new Map<string, string>();
  const series: StackSeries[] = shown.map(([id, t], i) => {
    seriesOf.set(id, `s${i}`);
    return { id: `s${i}`, name: t.name };
  });
  if (rest > 0) series.push({ id: OTHER_ID, name: `Other (${rest} more)` });

  const zero = () => Object.fromEntries(series.map((s) => [s.id, 0]));
  const rows = new Map<string, StackRow>(days.map((day) => [day, { day, ...zero() }]));
  let totalSeconds = 0;
  for (const p of points) {
    const row = rows.get(p.day);
    if (!row) continue;
    const id = seriesOf.get(identity(p)) ?? OTHER_ID;
    row[id] = (row[id] as number) + p.vcpuSeconds / 3600;
    totalSeconds += p.vcpuSeconds;
  }
  return { series, rows: [...rows.values()], totalHours: totalSeconds / 3600 };
}

// A dashboard chart's frame: the drawing (hidden from screen readers, and with nothing in it
// that takes focus: Recharts' keyboard layer is off), a summary in words, and the figures as a
// table a click away, which is what a screen reader or a keyboard reads instead.
import { type ReactElement, type ReactNode, useEffect, useState } from "react";
import { ResponsiveContainer } from "recharts";
import { Card } from "@/components/ui/card";

export type Row = Record<string, number>;

export function rowsFor(times: number[], series: { name: string; values: number[] }[]): Row[] {
  return times.map((t, i) => {
    const row: Row = { t };
    for (const s of series) row[s.name] = (row[s.name] ?? 0) + (s.values[i] ?? 0);
    return row;
  });
}

/** The chart's figures, interval by interval (intervals where every series is 0 left out). */
function DataTable({
  caption,
  rows,
  names,
  tick,
}: {
  caption: string;
  rows: Row[];
  names: string[];
  tick: (t: number) => string;
}) {
  const shown = rows.filter((r) => names.some((n) => (r[n] ?? 0) !== 0));
  return (
    <details className="mt-2 text-xs text-slate-600">
      <summary className="cursor-pointer select-none text-indigo-700 hover:underline">Show the figures</summary>
      {shown.length === 0 ? (
        <p className="mt-1">Every interval is 0.</p>
      ) : (
        <div className="mt-1 max-h-48 overflow-y-auto">
          <table className="w-full text-left tabular-nums">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col" className="pr-3 font-medium">
                  Interval (UTC)
                </th>
                {names.map((n) => (
                  <th key={n} scope="col" className="pr-3 text-right font-medium">
                    {n}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.t}>
                  <th scope="row" className="pr-3 font-normal">
                    {tick(r.t ?? 0)}
                  </th>
                  {names.map((n) => (
                    <td key={n} className="pr-3 text-right">
                      {r[n] ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

export function ChartCard({
  title,
  summary,
  note,
  rows,
  names,
  tick,
  height = "h-56",
  testId = "chart",
  children,
}: {
  title: string;
  summary: string;
  /** Said visibly under the title: how to read the chart. */
  note?: ReactNode;
  rows: Row[];
  names: string[];
  tick: (t: number) => string;
  height?: string;
  testId?: string;
  children: ReactElement;
}) {
  // Charts measure their box, so they draw after mount.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <Card title={title}>
      {note ? <p className="mb-2 text-xs text-slate-600">{note}</p> : null}
      <p className="sr-only">{summary}</p>
      <div className={height} aria-hidden="true" data-testid={testId}>
        {mounted ? (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        ) : (
          <div className="h-full animate-pulse rounded bg-slate-100" />
        )}
      </div>
      <p className="mt-1 text-right text-[11px] text-slate-500">Times in UTC</p>
      <DataTable caption={title} rows={rows} names={names} tick={tick} />
    </Card>
  );
}

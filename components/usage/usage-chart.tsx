"use client";
// vCPU-hours per UTC day, stacked by the chosen group (components/usage/lib/chart-series.ts).
// The total is said in words for screen readers; the drawing itself is hidden from them.
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import { legendText } from "@/components/ui/chart-legend";
import { OTHER_ID, type StackedUsage } from "./lib/chart-series";
import { formatHours } from "./lib/format";

const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#dc2626"];
const OTHER_COLOR = "#94a3b8";
const axis = { stroke: "#94a3b8", fontSize: 11 };
const tick = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

export function UsageChart({ data, title }: { data: StackedUsage; title: string }) {
  // The chart measures its box, so it draws after mount (as the dashboard's charts do).
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (data.totalHours === 0) {
    return (
      <Card title={title}>
        <div className="flex h-64 items-center justify-center text-center text-sm text-slate-500">
          No attempt ran in this range.
        </div>
      </Card>
    );
  }
  return (
    <Card title={title}>
      <p className="sr-only">
        {formatHours(data.totalHours)} vCPU-hours over {data.rows.length} days.
      </p>
      <div className="h-64" aria-hidden="true" data-testid="usage-chart">
        {mounted ? (
          <ResponsiveContainer width="100%" height="100%">
            {/* No keyboard layer: the drawing is hidden from assistive technology (its total is said
                above), so nothing in it may take focus (axe: aria-hidden-focus). */}
            <BarChart data={data.rows} margin={{ top: 5, right: 10, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid stroke="#e2e8f0" vertical={false} />
              <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} {...axis} />
              <YAxis width={56} tickFormatter={(v: number) => tick.format(v)} {...axis} />
              <Tooltip formatter={(v) => `${formatHours(Number(v))} vCPU-h`} />
              {data.series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} /> : null}
              {data.series.map((s, i) => (
                <Bar
                  key={s.id}
                  dataKey={s.id}
                  name={s.name}
                  stackId="usage"
                  fill={s.id === OTHER_ID ? OTHER_COLOR : PALETTE[i % PALETTE.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <div className="h-full animate-pulse rounded bg-slate-100" />
        )}
      </div>
    </Card>
  );
}

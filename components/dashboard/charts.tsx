// The dashboard's charts: jobs in each active state by queue, jobs finished, vCPUs in use.
// Each says its peak in words for screen readers; the drawing itself is hidden from them.
import { type ReactElement, useEffect, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card } from "@/components/ui/card";
import { JobStatus } from "@/lib/batch/states";
import type { ActiveSeriesStatus, MetricSeries } from "@/lib/metrics/get-metric-series";

const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#475569", "#dc2626"];
const STATE_TITLES: Record<ActiveSeriesStatus, string> = {
  PENDING: "Pending",
  RUNNABLE: "Runnable",
  RUNNING: "Running",
};

type Row = Record<string, number>;

function rowsFor(times: number[], series: { name: string; values: number[] }[]): Row[] {
  return times.map((t, i) => {
    const row: Row = { t };
    for (const s of series) row[s.name] = (row[s.name] ?? 0) + (s.values[i] ?? 0);
    return row;
  });
}

function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactElement }) {
  // Charts measure their box and format times in the browser's zone, so they draw after mount.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <Card title={title}>
      <p className="sr-only">{summary}</p>
      <div className="h-56" aria-hidden="true" data-testid="chart">
        {mounted ? (
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        ) : (
          <div className="h-full animate-pulse rounded bg-slate-100" />
        )}
      </div>
    </Card>
  );
}

const axis = { stroke: "#94a3b8", fontSize: 11 };

export function StateChart({
  data,
  status,
  tick,
}: {
  data: MetricSeries;
  status: ActiveSeriesStatus;
  tick: (t: number) => string;
}) {
  const queueName = (id: string) => data.queues.find((q) => q.id === id)?.name ?? "deleted queue";
  const series = data.active
    .filter((a) => a.status === status)
    .map((a) => ({ name: queueName(a.queueId), values: a.values }));
  const names = [...new Set(series.map((s) => s.name))];
  const peak = Math.max(0, ...series.flatMap((s) => s.values));
  if (peak === 0) {
    return (
      <Card title={`${STATE_TITLES[status]} jobs by queue`}>
        <div className="flex h-56 items-center justify-center text-center text-sm text-slate-500">
          No job was {STATE_TITLES[status].toLowerCase()} in this range.
        </div>
      </Card>
    );
  }
  return (
    <ChartCard
      title={`${STATE_TITLES[status]} jobs by queue`}
      summary={`At most ${peak} ${STATE_TITLES[status].toLowerCase()} jobs at once in this range.`}
    >
      <LineChart data={rowsFor(data.times, series)} margin={{ top: 5, right: 10, bottom: 0, left: -20 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
        <YAxis allowDecimals={false} {...axis} />
        <Tooltip labelFormatter={(t) => tick(Number(t))} />
        {names.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
        {names.map((n, i) => (
          <Line
            key={n}
            type="stepAfter"
            dataKey={n}
            stroke={PALETTE[i % PALETTE.length]}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartCard>
  );
}

export function FinishedChart({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
  const rows = rowsFor(data.times, [
    ...data.finished
      .filter((f) => f.status === JobStatus.SUCCEEDED)
      .map((f) => ({ name: "Succeeded", values: f.values })),
    ...data.finished.filter((f) => f.status === JobStatus.FAILED).map((f) => ({ name: "Failed", values: f.values })),
  ]);
  return (
    <ChartCard
      title="Jobs finished per interval"
      summary={`${data.totals.succeeded} succeeded and ${data.totals.failed} failed in this range.`}
    >
      <BarChart data={rows} margin={{ top: 5, right: 10, bottom: 0, left: -20 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
        <YAxis allowDecimals={false} {...axis} />
        <Tooltip labelFormatter={(t) => tick(Number(t))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="Succeeded" stackId="f" fill="#059669" isAnimationActive={false} />
        <Bar dataKey="Failed" stackId="f" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

export function VcpuChart({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
  const ceName = (id: string) => data.computeEnvironments.find((c) => c.id === id)?.name ?? "deleted environment";
  const series = data.vcpus.map((v) => ({ name: ceName(v.computeEnvironmentId), values: v.values }));
  const names = [...new Set(series.map((s) => s.name))];
  const peak = Math.max(0, ...series.flatMap((s) => s.values));
  return (
    <ChartCard
      title="vCPUs in use by compute environment"
      summary={`At most ${peak} vCPUs in use at once in this range.`}
    >
      <LineChart data={rowsFor(data.times, series)} margin={{ top: 5, right: 10, bottom: 0, left: -20 }}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
        <YAxis {...axis} />
        <Tooltip labelFormatter={(t) => tick(Number(t))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {names.map((n, i) => (
          <Line
            key={n}
            type="stepAfter"
            dataKey={n}
            stroke={PALETTE[i % PALETTE.length]}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartCard>
  );
}

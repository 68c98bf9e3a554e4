"use client";

// The dashboard's charts for one time range, refreshed every refreshIntervals.dashboard from
// app/api/metrics/series. The server renders the first data; React Query keeps it live.
import { useQuery } from "@tanstack/react-query";
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
import { metricQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { CHARTED_STATUSES, JobStatus } from "@/lib/batch/states";
import type { ActiveSeriesStatus, MetricSeries } from "@/lib/metrics/get-metric-series";
import { RANGES, type RangeKey } from "@/lib/metrics/ranges";

const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#475569", "#dc2626"];
const STATE_TITLES: Record<ActiveSeriesStatus, string> = {
  PENDING: "Pending",
  RUNNABLE: "Runnable",
  RUNNING: "Running",
};

export function Dashboard({
  organizationId,
  range,
  initial,
  initialAt,
}: {
  organizationId: string;
  range: RangeKey;
  initial: MetricSeries;
  initialAt: number;
}) {
  const query = useQuery({
    ...metricQueries.series(organizationId, range),
    initialData: initial,
    initialDataUpdatedAt: initialAt,
  });
  const data = query.data;
  const label = RANGES[range].label;
  const tick = (t: number) => formatTime(t, range);

  return (
    <div className="space-y-4">
      <div className="flex min-h-5 items-center gap-3 text-xs text-slate-500">
        <output suppressHydrationWarning>
          {query.isFetching ? "Updating…" : `Updated ${new Date(query.dataUpdatedAt).toLocaleTimeString()}`}
        </output>
      </div>
      {query.isError ? (
        <Alert>Could not refresh the dashboard: {query.error.message} Showing the last data.</Alert>
      ) : null}
      {data.partial ? (
        <Alert tone="info">
          <span data-testid="metrics-partial">{data.partial}</span>
        </Alert>
      ) : null}
      {!data.hasData ? (
        <Card title="Nothing to show yet">
          <p className="text-sm text-slate-600">
            {data.partial
              ? `Nothing was queued or running in the last ${label}, or no sample has been taken yet (once a minute by default). Pick a longer range, or come back in a minute.`
              : `No job has been queued, run or finished in the last ${label}. Submit a job and the charts fill in as the engine records samples (every few seconds), or pick a longer range.`}
          </p>
        </Card>
      ) : data.partial ? (
        // Only the series the backend records: no finished-job figures to summarise.
        <>
          <div className="grid gap-4 xl:grid-cols-3">
            {CHARTED_STATUSES.map((status) => (
              <StateChart key={status} data={data} status={status} tick={tick} />
            ))}
          </div>
          <VcpuChart data={data} tick={tick} />
        </>
      ) : (
        <>
          <Summary data={data} />
          <div className="grid gap-4 xl:grid-cols-3">
            {CHARTED_STATUSES.map((status) => (
              <StateChart key={status} data={data} status={status} tick={tick} />
            ))}
          </div>
          <div className="grid gap-4 xl:grid-cols-2">
            <FinishedChart data={data} tick={tick} />
            <VcpuChart data={data} tick={tick} />
          </div>
          <TopFailing data={data} label={label} />
        </>
      )}
    </div>
  );
}

// One number format on the server and in the browser, so the first render hydrates as is.
const counts = new Intl.NumberFormat("en-US");
const count = (n: number) => counts.format(n);

function formatTime(t: number, range: RangeKey): string {
  const d = new Date(t);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  return range === "7d" ? `${d.toLocaleDateString([], { weekday: "short" })} ${time}` : time;
}

function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900">{value}</dd>
      {hint ? <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

function Summary({ data }: { data: MetricSeries }) {
  const rt = data.runTime;
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
      <Stat label="Throughput" value={`${data.totals.perMinute.toFixed(2)}/min`} hint="jobs finished per minute" />
      <Stat label="Succeeded" value={count(data.totals.succeeded)} />
      <Stat label="Failed" value={count(data.totals.failed)} />
      <Stat
        label="Run time p50"
        value={rt ? formatSeconds(rt.p50) : "–"}
        hint={
          rt
            ? `${count(rt.count)} ${rt.sampled ? "most recent " : ""}${rt.count === 1 ? "job" : "jobs"}`
            : "no job finished"
        }
      />
      <Stat label="Run time p90" value={rt ? formatSeconds(rt.p90) : "–"} />
      <Stat label="Run time p99" value={rt ? formatSeconds(rt.p99) : "–"} />
    </dl>
  );
}

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

function StateChart({
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

function FinishedChart({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
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

function VcpuChart({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
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

function TopFailing({ data, label }: { data: MetricSeries; label: string }) {
  return (
    <Card title="Job definitions that failed most">
      <Table
        label="Job definitions that failed most"
        columns={[{ header: "Job definition" }, { header: "Failed jobs", align: "right" }]}
        rows={data.topFailing}
        rowKey={(d) => d.jobDefinitionId}
        ruledHeader
        empty={`No job failed in the last ${label}.`}
        renderRow={(d) => (
          <>
            <td className="py-2 pr-4 font-medium text-slate-800">
              {d.name}
              {d.revision ? <span className="text-slate-500">:{d.revision}</span> : null}
            </td>
            <td className="py-2 text-right tabular-nums">{count(d.failures)}</td>
          </>
        )}
      />
    </Card>
  );
}

// The dashboard's charts: jobs in each active state by queue, jobs finished, vCPUs in use.
// Each says its peak in words for screen readers and lists its figures in a table; the drawing
// itself is hidden from them (chart-card.tsx). Failures get a chart and a scale of their own.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import { legendText } from "@/components/ui/chart-legend";
import { JobStatus } from "@/lib/batch/states";
import type { ActiveSeriesStatus, MetricSeries } from "@/lib/metrics/get-metric-series";
import { ChartCard, rowsFor } from "./chart-card";
import { count } from "./format";

const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#475569", "#dc2626"];
const STATE_TITLES: Record<ActiveSeriesStatus, string> = {
  PENDING: "Pending",
  RUNNABLE: "Runnable",
  RUNNING: "Running",
};

/** No keyboard layer: the drawing is aria-hidden, so nothing in it may take focus (the table is what a keyboard reads). */
const chartProps = { accessibilityLayer: false, margin: { top: 5, right: 10, bottom: 0, left: -20 } };

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
  const rows = rowsFor(data.times, series);
  return (
    <ChartCard
      title={`${STATE_TITLES[status]} jobs by queue`}
      summary={`At most ${peak} ${STATE_TITLES[status].toLowerCase()} jobs at once in this range.`}
      rows={rows}
      names={names}
      tick={tick}
    >
      <LineChart data={rows} {...chartProps}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
        <YAxis allowDecimals={false} {...axis} />
        <Tooltip labelFormatter={(t) => tick(Number(t))} />
        {names.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} /> : null}
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

const finishedValues = (data: MetricSeries, status: string) =>
  data.times.map((_, i) => data.finished.reduce((n, f) => n + (f.status === status ? (f.values[i] ?? 0) : 0), 0));

/**
 * Jobs finished per interval, succeeded and failed in two charts, each on its own scale: a
 * stacked bar of 3 failures on 3,000 successes is a hairline, so failures are never drawn on
 * the successes' axis.
 */
export function FinishedCharts({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
  const succeeded = finishedValues(data, JobStatus.SUCCEEDED);
  const failed = finishedValues(data, JobStatus.FAILED);
  const okRows = rowsFor(data.times, [{ name: "Succeeded", values: succeeded }]);
  const failedRows = rowsFor(data.times, [{ name: "Failed", values: failed }]);
  const axisNote = (n: number) => `${count(n)} in this range.`;
  return (
    <>
      <ChartCard
        title="Jobs succeeded per interval"
        summary={`${count(data.totals.succeeded)} jobs succeeded in this range.`}
        note={axisNote(data.totals.succeeded)}
        rows={okRows}
        names={["Succeeded"]}
        tick={tick}
        testId="succeeded-chart"
      >
        <BarChart data={okRows} {...chartProps}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
          <YAxis allowDecimals={false} {...axis} />
          <Tooltip labelFormatter={(t) => tick(Number(t))} />
          <Bar dataKey="Succeeded" fill="#059669" isAnimationActive={false} />
        </BarChart>
      </ChartCard>
      <ChartCard
        title="Jobs failed per interval"
        summary={`${count(data.totals.failed)} jobs failed in this range, beside ${count(data.totals.succeeded)} that succeeded.`}
        note={
          <>
            <strong
              className={`font-semibold ${data.totals.failed > 0 ? "text-red-700" : "text-slate-800"}`}
              data-testid="failed-total"
            >
              {count(data.totals.failed)} failed
            </strong>{" "}
            beside {count(data.totals.succeeded)} succeeded. Failures have their own chart and scale, so a few stay
            visible beside thousands of successes.
          </>
        }
        rows={failedRows}
        names={["Failed"]}
        tick={tick}
        testId="failed-chart"
      >
        <BarChart data={failedRows} {...chartProps}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
          <YAxis allowDecimals={false} domain={[0, (max: number) => Math.max(1, max)]} {...axis} />
          <Tooltip labelFormatter={(t) => tick(Number(t))} />
          <Bar dataKey="Failed" fill="#dc2626" isAnimationActive={false} />
        </BarChart>
      </ChartCard>
    </>
  );
}

export function VcpuChart({ data, tick }: { data: MetricSeries; tick: (t: number) => string }) {
  const ceName = (id: string) => data.computeEnvironments.find((c) => c.id === id)?.name ?? "deleted environment";
  const series = data.vcpus.map((v) => ({ name: ceName(v.computeEnvironmentId), values: v.values }));
  const names = [...new Set(series.map((s) => s.name))];
  const peak = Math.max(0, ...series.flatMap((s) => s.values));
  const rows = rowsFor(data.times, series);
  return (
    <ChartCard
      title="vCPUs in use by compute environment"
      summary={`At most ${peak} vCPUs in use at once in this range.`}
      rows={rows}
      names={names}
      tick={tick}
    >
      <LineChart data={rows} {...chartProps}>
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} tickFormatter={tick} {...axis} />
        <YAxis {...axis} />
        <Tooltip labelFormatter={(t) => tick(Number(t))} />
        <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
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

"use client";

// The dashboard's charts for one time range, refreshed every refreshIntervals.dashboard from
// app/api/metrics/series. The server renders the first data; React Query keeps it live.
import { useQuery } from "@tanstack/react-query";
import { formatAbsolute } from "@/components/lib/format-time";
import { metricQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { CHARTED_STATUSES } from "@/lib/batch/states";
import type { MetricSeries } from "@/lib/metrics/get-metric-series";
import { RANGES, type RangeKey } from "@/lib/metrics/ranges";
import { FinishedCharts, StateChart, VcpuChart } from "./charts";
import { formatTime } from "./format";
import { Summary, TopFailing } from "./summary";

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
          {query.isFetching ? "Updating…" : `Updated ${formatAbsolute(query.dataUpdatedAt)}`}
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
          <div className="grid gap-4 xl:grid-cols-3">
            <FinishedCharts data={data} tick={tick} />
            <VcpuChart data={data} tick={tick} />
          </div>
          <TopFailing data={data} label={label} />
        </>
      )}
    </div>
  );
}

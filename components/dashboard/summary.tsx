import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { JobStatus } from "@/lib/batch/states";
import { jobDefinitionHref, jobListHref } from "@/lib/console/links";
import type { MetricSeries } from "@/lib/metrics/get-metric-series";
import { count, formatRate, formatSeconds } from "./format";

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900">{value}</dd>
      {hint ? <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

/** The range at a glance: throughput, outcomes and run-time percentiles. */
export function Summary({ data }: { data: MetricSeries }) {
  const rt = data.runTime;
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
      <Stat label="Throughput" value={formatRate(data.totals.perMinute)} hint="jobs finished, on average" />
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

/** The definitions whose jobs failed most: each a link to the revision that failed, its count to those failed jobs. */
export function TopFailing({ data, label }: { data: MetricSeries; label: string }) {
  return (
    <Card title="Job definitions that failed most">
      <Table
        label="Job definitions that failed most"
        columns={[{ header: "Job definition" }, { header: "Failed jobs", align: "right" }]}
        rows={data.topFailing}
        rowKey={(d) => d.jobDefinitionId}
        ruledHeader
        empty={`No job failed in the last ${label}.`}
        renderRow={(d) => {
          const ref = d.revision ? `${d.name}:${d.revision}` : d.name;
          return (
            <>
              <td className="py-2 pr-4 font-medium">
                <Link href={jobDefinitionHref(ref)} className="text-indigo-700 hover:underline">
                  {d.name}
                  {d.revision ? <span className="text-slate-600">:{d.revision}</span> : null}
                </Link>
              </td>
              <td className="py-2 text-right tabular-nums">
                {/* The failed jobs themselves: the job list, filtered to this revision's failures. */}
                <Link
                  href={jobListHref({ definition: ref, status: JobStatus.FAILED })}
                  aria-label={`${count(d.failures)} failed ${d.failures === 1 ? "job" : "jobs"} of ${ref}`}
                  className="text-indigo-700 hover:underline"
                >
                  {count(d.failures)}
                </Link>
              </td>
            </>
          );
        }}
      />
    </Card>
  );
}

import Form from "next/form";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { stackByDay } from "@/components/usage/lib/chart-series";
import { UsageChart } from "@/components/usage/usage-chart";
import { UsageTable } from "@/components/usage/usage-table";
import { daysFrom } from "@/lib/usage/days";
import { usageSearch } from "@/lib/usage/usage-input";
import type { UsageGroupBy, UsageReport } from "@/lib/usage/usage-report";

export const USAGE_GROUP_TITLES: Record<UsageGroupBy, string> = {
  organization: "Organization",
  day: "Day",
  queue: "Job queue",
  definition: "Job definition",
  share: "Share identifier",
  user: "Submitted by",
};

/** The URL's search params as the usage query reads them (first value of each). */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).flatMap(([k, v]) => {
      const value = Array.isArray(v) ? v[0] : v;
      return value === undefined ? [] : [[k, value]];
    }),
  );
}

/**
 * A usage report as a page: the range form, the chart of vCPU-hours per day by the chosen group,
 * the totals table and the CSV link. The organization's Usage page and the operator's use it.
 */
export function UsageView({
  title,
  description,
  action,
  exportPath,
  groups,
  raw,
  query,
  errors,
  report,
  notice,
}: {
  title: string;
  description: string;
  /** Where the range form goes (the page's own path). */
  action: string;
  /** The CSV route the download link points at. */
  exportPath: string;
  groups: readonly UsageGroupBy[];
  /** What the URL said, shown back in the form even when it was refused. */
  raw: Record<string, string>;
  query: { from: string; to: string; group: UsageGroupBy };
  errors: Record<string, string[] | undefined>;
  /** null: the query was refused (the form says why). */
  report: UsageReport | null;
  notice?: ReactNode;
}) {
  const groupTitle = USAGE_GROUP_TITLES[query.group];
  return (
    <div className="space-y-6">
      <PageHeader
        title={title}
        description={description}
        actions={
          report ? (
            <a
              href={`${exportPath}?${usageSearch(query)}`}
              download
              className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            >
              Download CSV
            </a>
          ) : null
        }
      />
      {notice}
      <Card title="Range">
        <Form action={action} aria-label="Usage range" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            label="From (UTC day)"
            name="from"
            type="date"
            defaultValue={raw.from ?? query.from}
            errors={errors.from}
          />
          <TextField label="To (UTC day)" name="to" type="date" defaultValue={raw.to ?? query.to} errors={errors.to} />
          <SelectField label="Group by" name="group" defaultValue={raw.group ?? query.group} errors={errors.group}>
            {groups.map((g) => (
              <option key={g} value={g}>
                {USAGE_GROUP_TITLES[g]}
              </option>
            ))}
          </SelectField>
          <div className="flex items-end">
            <button
              type="submit"
              className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
            >
              Show usage
            </button>
          </div>
        </Form>
      </Card>
      {report ? (
        <>
          <UsageChart
            title={query.group === "day" ? "vCPU-hours per day" : `vCPU-hours per day by ${groupTitle.toLowerCase()}`}
            data={stackByDay(
              daysFrom(report.from, report.to),
              report.byDay.map((r) => ({ day: r.day, key: r.key, label: r.label, vcpuSeconds: r.vcpuSeconds })),
            )}
          />
          <Card title={`Totals by ${groupTitle.toLowerCase()}, ${report.from} to ${report.to}`}>
            <UsageTable groupTitle={groupTitle} groups={report.groups} totals={report.totals} />
            <p className="mt-3 text-xs text-slate-500">
              Memory GiB-hours are the reserved MiB ÷ 1,024 × hours. The CSV has every figure exactly, in seconds, per
              day{query.group === "day" ? "" : ` and ${groupTitle.toLowerCase()}`}.
            </p>
          </Card>
        </>
      ) : (
        <Alert>Some values could not be read (marked above); fix them to see usage.</Alert>
      )}
    </div>
  );
}

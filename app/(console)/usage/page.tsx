import type { Metadata } from "next";
import Form from "next/form";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { stackByDay } from "@/components/usage/lib/chart-series";
import { UsageChart } from "@/components/usage/usage-chart";
import { UsageTable } from "@/components/usage/usage-table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { daysFrom } from "@/lib/usage/days";
import { organizationUsage } from "@/lib/usage/organization-usage";
import { ORG_USAGE_GROUPS, type OrgUsageGroupBy, usageQueryInput, usageSearch } from "@/lib/usage/usage-input";

export const metadata: Metadata = { title: "Usage" };

const GROUP_TITLES: Record<OrgUsageGroupBy, string> = {
  day: "Day",
  queue: "Job queue",
  definition: "Job definition",
  share: "Share identifier",
  user: "Submitted by",
};

const DESCRIPTION =
  "vCPU, memory and GPU time of every job attempt, from its start to its stop, times what the job reserved. Days are UTC.";

export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  if (!can(ctx.role, "usage.view")) {
    return (
      <>
        <PageHeader title="Usage" />
        <Alert>Only admins and developers can see the organization's usage.</Alert>
      </>
    );
  }
  const raw = Object.fromEntries(
    Object.entries(await searchParams).flatMap(([k, v]) => {
      const value = Array.isArray(v) ? v[0] : v;
      return value === undefined ? [] : [[k, value]];
    }),
  ) as Record<string, string>;
  const parsed = usageQueryInput.safeParse(raw);
  const errors = parsed.success ? {} : parsed.error.flatten().fieldErrors;
  const usage = parsed.success ? await organizationUsage(ctx, parsed.data) : null;
  const query = parsed.success ? parsed.data : usageQueryInput.parse({});
  const groupTitle = GROUP_TITLES[query.group];

  return (
    <div className="space-y-6">
      <PageHeader
        title="Usage"
        description={DESCRIPTION}
        actions={
          usage ? (
            <a
              href={`/api/usage/export?${usageSearch(query)}`}
              download
              className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            >
              Download CSV
            </a>
          ) : null
        }
      />
      {usage && !usage.recordedHere ? (
        <Alert tone="info">
          This organization runs its jobs on AWS Batch. Usage is recorded only for jobs run by Batchdeck's built-in
          engine: what this page shows ran before the organization moved to AWS.
        </Alert>
      ) : null}
      <Card title="Range">
        <Form action="/usage" aria-label="Usage range" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            label="From (UTC day)"
            name="from"
            type="date"
            defaultValue={raw.from ?? query.from}
            errors={errors.from}
          />
          <TextField label="To (UTC day)" name="to" type="date" defaultValue={raw.to ?? query.to} errors={errors.to} />
          <SelectField label="Group by" name="group" defaultValue={raw.group ?? query.group} errors={errors.group}>
            {ORG_USAGE_GROUPS.map((g) => (
              <option key={g} value={g}>
                {GROUP_TITLES[g]}
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
      {usage ? (
        <>
          <UsageChart
            title={query.group === "day" ? "vCPU-hours per day" : `vCPU-hours per day by ${groupTitle.toLowerCase()}`}
            data={stackByDay(
              daysFrom(usage.report.from, usage.report.to),
              usage.report.byDay.map((r) => ({ day: r.day, key: r.key, label: r.label, vcpuSeconds: r.vcpuSeconds })),
            )}
          />
          <Card title={`Totals by ${groupTitle.toLowerCase()}, ${usage.report.from} to ${usage.report.to}`}>
            <UsageTable groupTitle={groupTitle} groups={usage.report.groups} totals={usage.report.totals} />
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

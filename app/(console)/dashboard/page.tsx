import type { Metadata } from "next";
import { Dashboard } from "@/components/dashboard/dashboard";
import { RangePicker } from "@/components/dashboard/range-picker";
import { RightNow } from "@/components/dashboard/right-now";
import { PageHeader } from "@/components/ui/card";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { DEFAULT_RANGE, isRangeKey, RANGES, rangeWindow } from "@/lib/metrics/ranges";
import { rightNow } from "@/lib/metrics/right-now";

export const metadata: Metadata = { title: "Dashboard" };

export default backendPage(async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  const raw = (await searchParams).range;
  const range = isRangeKey(raw) ? raw : DEFAULT_RANGE;
  const now = Date.now();
  const backend = await backendFor(ctx);
  const [initial, initialNow] = await Promise.all([
    backend.getMetricSeries(ctx, rangeWindow(range, now)),
    rightNow(ctx, backend),
  ]);
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`What runs and waits now; queues, compute environments and finished jobs over the last ${RANGES[range].label}.`}
        actions={<RangePicker current={range} />}
      />
      <div className="mb-4">
        <RightNow organizationId={ctx.organizationId} initial={initialNow} />
      </div>
      <Dashboard key={range} organizationId={ctx.organizationId} range={range} initial={initial} initialAt={now} />
    </>
  );
});

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { firstValues, UsageView } from "@/components/usage/usage-view";
import { isOperator } from "@/lib/auth/operator";
import { pageContext } from "@/lib/auth/request";
import { operatorUsage } from "@/lib/operator/usage";
import { OPERATOR_USAGE_GROUPS, operatorUsageQueryInput } from "@/lib/usage/usage-input";

export const metadata: Metadata = { title: "Usage across organizations" };

export default async function OperatorUsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  if (!(await isOperator(ctx.db, ctx.user.id))) notFound();
  const raw = firstValues(await searchParams);
  const parsed = operatorUsageQueryInput.safeParse(raw);
  const report = parsed.success ? await operatorUsage(ctx, parsed.data) : null;
  return (
    <UsageView
      title="Usage across organizations"
      description="Every organization's job attempts on the built-in engine: vCPU, memory and GPU time, from each attempt's start to its stop, times what the job reserved. Days are UTC."
      action="/operator/usage"
      exportPath="/api/operator/usage/export"
      groups={OPERATOR_USAGE_GROUPS}
      raw={raw}
      query={parsed.success ? parsed.data : operatorUsageQueryInput.parse({})}
      errors={parsed.success ? {} : parsed.error.flatten().fieldErrors}
      report={report}
    />
  );
}

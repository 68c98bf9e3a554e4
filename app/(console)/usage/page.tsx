import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/card";
import { firstValues, UsageView } from "@/components/usage/usage-view";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { organizationUsage } from "@/lib/usage/organization-usage";
import { ORG_USAGE_GROUPS, usageQueryInput } from "@/lib/usage/usage-input";

export const metadata: Metadata = { title: "Usage" };

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
  const raw = firstValues(await searchParams);
  const parsed = usageQueryInput.safeParse(raw);
  const usage = parsed.success ? await organizationUsage(ctx, parsed.data) : null;
  return (
    <UsageView
      title="Usage"
      description="vCPU, memory and GPU time of every job attempt, from its start to its stop, times what the job reserved. Days are UTC."
      action="/usage"
      exportPath="/api/usage/export"
      groups={ORG_USAGE_GROUPS}
      raw={raw}
      query={parsed.success ? parsed.data : usageQueryInput.parse({})}
      errors={parsed.success ? {} : parsed.error.flatten().fieldErrors}
      report={usage?.report ?? null}
      notice={
        usage && !usage.recordedHere ? (
          <Alert tone="info">
            This organization runs its jobs on AWS Batch. Usage is recorded only for jobs run by Batchdeck's built-in
            engine: what this page shows ran before the organization moved to AWS.
          </Alert>
        ) : null
      }
    />
  );
}

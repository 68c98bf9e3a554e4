import type { Metadata } from "next";
import { QuotaUsageList } from "@/components/quotas/quota-usage-list";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { logBytesAgainstQuota, quotaUsageNow } from "@/lib/quotas/current-usage";
import { getQuotaSettings } from "@/lib/quotas/quotas";

export const metadata: Metadata = { title: "Quotas" };

export default async function QuotasPage() {
  const ctx = await pageContext();
  if (!can(ctx.role, "quotas.view")) {
    return (
      <Card title="Quotas">
        <Alert tone="info">Only admins can see the organization's quotas.</Alert>
      </Card>
    );
  }
  const [settings, usage, org] = await Promise.all([
    getQuotaSettings(ctx.db, ctx.organizationId),
    quotaUsageNow(ctx.db, [ctx.organizationId]),
    ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { backend: true } }),
  ]);
  const logBytes = await logBytesAgainstQuota(ctx.db, ctx.organizationId, settings.effective.maxLogBytes);
  return (
    <Card title="Quotas">
      <p className="mb-4 text-sm text-slate-600">
        The install's operator sets these limits for each organization, so no one organization can starve the others.
        Past a quota, submissions are refused with a message naming it, and jobs beyond the running vCPUs wait with the
        quota as their reason. Ask the operator to change them.
      </p>
      <QuotaUsageList
        settings={settings}
        usage={usage.get(ctx.organizationId) ?? { runningVcpus: 0, waitingJobs: 0 }}
        backend={org.backend}
        logBytes={logBytes}
      />
    </Card>
  );
}

import type { Metadata } from "next";
import { RetentionForm } from "@/components/settings/retention-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { getRetentionSettings } from "@/lib/retention/settings";

export const metadata: Metadata = { title: "Retention" };

const describe = (days: number, what: string) =>
  days === 0 ? `${what} are kept forever` : `${what} are kept ${days} days`;

export default async function RetentionPage() {
  const ctx = await pageContext();
  const settings = await getRetentionSettings(ctx);
  const summary = `${describe(settings.effective.jobDays, "Finished jobs")}; ${describe(settings.effective.logDays, "their logs").toLowerCase()}.`;
  if (!can(ctx.role, "retention.manage")) {
    return (
      <Card title="Retention">
        <p className="text-sm text-slate-700">{summary}</p>
        <div className="mt-3">
          <Alert tone="info">Only admins can change how long finished jobs and logs are kept.</Alert>
        </div>
      </Card>
    );
  }
  return (
    <Card title="Retention">
      <p className="mb-4 text-sm text-slate-600">
        {summary} The engine deletes what is older in small batches, about once a minute. Jobs that are still waiting or
        running, and jobs an unfinished job depends on, are never deleted; an array job goes as a whole.
      </p>
      <RetentionForm settings={settings} />
    </Card>
  );
}

import type { Metadata } from "next";
import { BackendForm } from "@/components/settings/backend-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { getBackendSettings } from "@/lib/backends/settings/get-backend-settings";

export const metadata: Metadata = { title: "Backend" };

export default async function BackendPage() {
  const ctx = await pageContext();
  const settings = await getBackendSettings(ctx);
  const where =
    settings.backend === "aws" && settings.aws
      ? `AWS Batch in ${settings.aws.region}${settings.aws.batchEndpoint ? ` at ${settings.aws.batchEndpoint}` : ""}`
      : "the built-in engine on this server";
  if (!can(ctx.role, "backend.manage")) {
    return (
      <Card title="Backend">
        <p className="text-sm text-slate-700">This organization runs its jobs on {where}.</p>
        <div className="mt-3">
          <Alert tone="info">Only admins can change the backend and its AWS credentials.</Alert>
        </div>
      </Card>
    );
  }
  return (
    <Card title="Backend">
      <p className="mb-4 text-sm text-slate-600">
        This organization runs its jobs on <span className="font-medium text-slate-800">{where}</span>. Every page,
        server action and the AWS-compatible API of this organization use the backend chosen here.
      </p>
      <BackendForm settings={settings} />
    </Card>
  );
}

import type { Metadata } from "next";
import { SecretsAddForm } from "@/components/settings/secrets-add-form";
import { SecretsTable } from "@/components/settings/secrets-table";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { getBackendSettings } from "@/lib/backends/settings/get-backend-settings";
import { env } from "@/lib/env";
import { listOrgSecrets } from "@/lib/org-secrets/list-org-secrets";
import { accountIdOf } from "@/lib/resources/account";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage() {
  const ctx = await pageContext();
  requirePermission(ctx, "resources.view");
  const [secrets, accountId, settings] = await Promise.all([
    listOrgSecrets(ctx),
    accountIdOf(ctx.db, ctx.organizationId),
    getBackendSettings(ctx),
  ]);
  const canManage = can(ctx.role, "secrets.manage");
  const arnPrefix = `arn:aws:secretsmanager:${env().BATCHDECK_AWS_REGION}:${accountId}:secret:`;
  return (
    <div className="space-y-6">
      {settings.backend === "aws" ? (
        <Alert tone="info">
          This organization runs on AWS Batch, where jobs read secrets from AWS Secrets Manager and Parameter Store in
          your AWS account. The secrets here are given to jobs run by the built-in engine.
        </Alert>
      ) : null}
      {canManage ? (
        <Card title="Add a secret">
          <p className="mb-3 text-sm text-slate-600">
            A job definition names a secret in <code>containerProperties.secrets</code> as{" "}
            <code>{"{ name: ENV_VAR, valueFrom: <secret name or ARN> }"}</code>; the job then sees its value in that
            environment variable.
          </p>
          <SecretsAddForm />
        </Card>
      ) : (
        <Alert tone="info">Only admins and developers can add, replace or delete secrets.</Alert>
      )}
      <Card title={`Secrets (${secrets.length})`}>
        <SecretsTable secrets={secrets} canManage={canManage} arnPrefix={arnPrefix} />
      </Card>
    </div>
  );
}

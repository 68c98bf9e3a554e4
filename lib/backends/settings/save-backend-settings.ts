// Settings → Backend, save: which backend the organization runs on and, for AWS Batch, how to
// reach it. The secret is sealed before it is written and never returned; the audit entry
// records what changed without it. Switching back to the built-in engine keeps the AWS
// settings, so switching again needs no re-entry.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { invalidateAwsClients } from "@/lib/backends/aws/clients";
import { type PublicAwsConfig, publicAwsConfig, sealAwsSecret } from "@/lib/backends/aws/config";
import { ensureAwsExternalId } from "@/lib/backends/aws/external-id";
import { writeTransaction } from "@/lib/db/write-transaction";
import { resolveAwsConfig } from "./resolve-aws-config";
import type { BackendSettingsInput } from "./schemas";

export interface SavedBackendSettings {
  backend: "builtin" | "aws";
  aws: PublicAwsConfig | null;
}

export async function saveBackendSettings(ctx: OrgContext, input: BackendSettingsInput): Promise<SavedBackendSettings> {
  const { organizationId } = ctx;
  // Read then write in one transaction: on SQLite it must hold the write lock from the start,
  // or a commit by the engine in between fails it with "database is locked".
  const saved = await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const stored = await tx.awsBackendConfig.findUnique({ where: { organizationId } });
    if (input.backend === "builtin") {
      await tx.organization.update({ where: { id: organizationId }, data: { backend: "builtin" } });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "organization.backend.update",
        targetType: "organization",
        targetId: organizationId,
        details: { backend: "builtin" },
      });
      return { backend: "builtin" as const, aws: stored ? publicAwsConfig(stored) : null };
    }
    const externalId = await ensureAwsExternalId(tx, organizationId);
    const { config, secretChanged } = resolveAwsConfig(input, stored, externalId);
    const secretAccessKeySealed =
      config.secretAccessKey === undefined
        ? null
        : secretChanged
          ? sealAwsSecret(organizationId, config.secretAccessKey)
          : (stored?.secretAccessKeySealed ?? null);
    const data = {
      region: config.region,
      credentialMode: config.credentialMode,
      accessKeyId: config.accessKeyId ?? null,
      secretAccessKeySealed,
      roleArn: config.roleArn ?? null,
      batchEndpoint: config.batchEndpoint ?? null,
      logsEndpoint: config.logsEndpoint ?? null,
    };
    const row = await tx.awsBackendConfig.upsert({
      where: { organizationId },
      create: { organizationId, ...data },
      update: data,
    });
    await tx.organization.update({ where: { id: organizationId }, data: { backend: "aws" } });
    const { secretAccessKeySealed: _sealed, ...shown } = data;
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "organization.backend.update",
      targetType: "organization",
      targetId: organizationId,
      details: {
        backend: "aws",
        ...shown,
        secretAccessKey: secretChanged ? "replaced" : data.secretAccessKeySealed ? "kept" : "none",
      },
    });
    return { backend: "aws" as const, aws: publicAwsConfig(row) };
  });
  // After the commit: this replica drops its clients now; others see the new updatedAt.
  invalidateAwsClients(organizationId);
  return saved;
}

// Settings → Backend, read: what the page shows. Never the secret, only whether one is set.
import type { OrgContext } from "@/lib/auth/context";
import { type PublicAwsConfig, publicAwsConfig } from "@/lib/backends/aws/config";
import { env } from "@/lib/env";
import { notFound } from "@/lib/errors";

export interface BackendSettings {
  backend: "builtin" | "aws";
  aws: PublicAwsConfig | null;
  /** Hosted installs do not offer the server's default credential chain. */
  defaultChainAllowed: boolean;
}

export async function getBackendSettings(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<BackendSettings> {
  const org = await ctx.db.organization.findUnique({
    where: { id: ctx.organizationId },
    select: { backend: true, awsBackendConfig: true },
  });
  if (!org) throw notFound("Organization");
  return {
    backend: org.backend === "aws" ? "aws" : "builtin",
    aws: org.awsBackendConfig ? publicAwsConfig(org.awsBackendConfig) : null,
    defaultChainAllowed: !env().BATCHDECK_HOSTED,
  };
}

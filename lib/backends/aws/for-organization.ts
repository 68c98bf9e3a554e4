// An organization's AWS clients from its stored configuration, through the per-organization
// cache (clients.ts), or null when it runs on the built-in engine.
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { type AwsClients, cachedAwsClients } from "./clients";
import { openAwsConfig, type readAwsConfigRow } from "./config";

export async function awsClientsFor(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<AwsClients | null> {
  const org = await ctx.db.organization.findUnique({
    where: { id: ctx.organizationId },
    select: { backend: true, awsBackendConfig: true },
  });
  if (!org) throw new AppError("NOT_FOUND", "Organization was not found.");
  if (org.backend !== "aws") return null;
  return clientsOf(ctx.organizationId, org.awsBackendConfig);
}

export function clientsOf(organizationId: string, row: Awaited<ReturnType<typeof readAwsConfigRow>>): AwsClients {
  if (!row) {
    throw new AppError(
      "INVALID_INPUT",
      "This organization is set to run on AWS Batch but has no AWS settings; an admin can add them in Settings → Backend.",
    );
  }
  return cachedAwsClients(organizationId, row.updatedAt.getTime(), () => openAwsConfig(row));
}

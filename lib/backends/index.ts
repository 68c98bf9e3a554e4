// Which backend serves an organization: Organization.backend, "builtin" (default) or "aws".
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { builtinBackend } from "./builtin";
import type { BatchBackend } from "./types";

export type { BatchBackend } from "./types";

export async function backendFor(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<BatchBackend> {
  const org = await ctx.db.organization.findUnique({
    where: { id: ctx.organizationId },
    select: { backend: true },
  });
  if (!org) throw new AppError("NOT_FOUND", "Organization was not found.");
  if (org.backend === "builtin") return builtinBackend;
  // The AWS Batch driver arrives with its own change; until then an organization set to "aws"
  // gets a clear answer rather than silently running on this host.
  throw new AppError(
    "INVALID_INPUT",
    `This organization is set to the "${org.backend}" backend, which this server does not support yet.`,
  );
}

import { type OrgContext, requirePermission } from "@/lib/auth/context";
import type { AccessKeySummary, ListAccessKeysInput } from "./schemas";

/** The caller's own keys, or every member's with accessKeys.revokeAny. Never the secret. */
export async function listAccessKeys(ctx: OrgContext, input: ListAccessKeysInput): Promise<AccessKeySummary[]> {
  if (input.scope === "all") requirePermission(ctx, "accessKeys.revokeAny");
  const rows = await ctx.db.accessKey.findMany({
    where: {
      organizationId: ctx.organizationId,
      ...(input.scope === "all" ? {} : { userId: ctx.user.id }),
    },
    select: {
      accessKeyId: true,
      description: true,
      userId: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      user: { select: { email: true } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return rows.map(({ user, ...r }) => ({ ...r, userEmail: user.email }));
}

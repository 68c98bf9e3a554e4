import type { OrgContext } from "@/lib/auth/context";
import type { OrgSecretSummary } from "./schemas";

/** The organization's secrets by name, with who created and last changed each. Never a value. */
export async function listOrgSecrets(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<OrgSecretSummary[]> {
  const rows = await ctx.db.orgSecret.findMany({
    where: { organizationId: ctx.organizationId },
    select: {
      name: true,
      description: true,
      createdAt: true,
      createdById: true,
      updatedAt: true,
      updatedById: true,
    },
    orderBy: { name: "asc" },
  });
  // Authors are user ids without a relation (they outlive a membership); one lookup for all.
  const ids = [...new Set(rows.flatMap((r) => [r.createdById, r.updatedById]))];
  const users =
    ids.length === 0
      ? []
      : await ctx.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  const email = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    name: r.name,
    description: r.description,
    createdAt: r.createdAt,
    createdByEmail: email.get(r.createdById) ?? null,
    updatedAt: r.updatedAt,
    updatedByEmail: email.get(r.updatedById) ?? null,
  }));
}

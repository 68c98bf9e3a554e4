import type { Role } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db";

export async function listMyOrganizations(db: DbOrTx, userId: string) {
  const rows = await db.membership.findMany({
    where: { userId },
    select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
    orderBy: { organization: { name: "asc" } },
  });
  return rows.map((r) => ({ ...r.organization, role: r.role as Role }));
}

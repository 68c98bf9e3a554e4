import type { Tx } from "@/lib/db";

/**
 * Serialize changes to one organization's memberships: a no-op update takes the row lock on
 * PostgreSQL and the write lock on SQLite, so two admins demoting each other at once cannot
 * both see "another admin remains".
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "Organization" SET "id" = "id" WHERE "id" = ${organizationId}`;
}

export async function countAdmins(tx: Tx, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "admin" } });
}

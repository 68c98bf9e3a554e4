import type { OrgContext } from "@/lib/auth/context";
import type { Tx } from "@/lib/db";

/**
 * Serialize changes to one organization's memberships: a no-op update takes the row lock on
 * PostgreSQL and the write lock on SQLite, so two admins demoting each other at once cannot
 * both see "another admin remains".
 *
 * It sets "name", not "id": on SQLite an UPDATE that names the key other tables reference is
 * compiled with the foreign-key actions of all 13 of them, and since every statement is
 * prepared afresh that cost ~0.5 ms per call, 10-20× this one (bench/write-lock.ts); it was
 * the web server's costliest statement under 16 submitting clients. PostgreSQL locks the row
 * the same way for either column.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE "id" = ${organizationId}`;
}

export async function countAdmins(tx: Tx, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "admin" } });
}

/**
 * One organization's read-then-write changes (resources, members, access keys) run in one
 * transaction that opens with a write to the organization's row. On SQLite that takes the write
 * lock before the first read (see lib/db/write-transaction.ts); on both databases it serializes
 * one organization's changes, which is what makes name checks, quota counts and job definition
 * revisions race-free.
 */
export function writeTransaction<T>(ctx: Pick<OrgContext, "db" | "organizationId">, fn: (tx: Tx) => Promise<T>) {
  return ctx.db.$transaction(async (tx) => {
    await lockOrganization(tx, ctx.organizationId);
    return fn(tx);
  });
}

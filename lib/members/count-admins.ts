import type { Tx } from "@/lib/db";

/** The organization's admins; read under the organization's lock so "another admin remains" holds. */
export async function countAdmins(tx: Tx, organizationId: string): Promise<number> {
  return tx.membership.count({ where: { organizationId, role: "admin" } });
}

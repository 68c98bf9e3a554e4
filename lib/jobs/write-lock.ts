// SQLite transactions begin DEFERRED: one that reads and then writes fails with SQLITE_BUSY if
// another connection (the engine process) committed in between. Job operations that read
// before they write therefore open with a write, which waits for the lock and makes every
// later read current. PostgreSQL needs no such thing (row locks where it matters), and taking
// one there would serialize every submission of an organization.
import type { Tx } from "@/lib/db";
import { lockOrganization } from "@/lib/organizations/lock";

export function isPostgres(db: unknown): boolean {
  return (db as { _activeProvider?: string })._activeProvider === "postgresql";
}

export async function beginWrite(tx: Tx, provider: "sqlite" | "postgresql", organizationId: string): Promise<void> {
  if (provider === "postgresql") return;
  await lockOrganization(tx, organizationId);
}

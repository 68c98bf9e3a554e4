// Every resource mutation runs in one transaction that opens with a write to the
// organization's row. On SQLite that takes the write lock before the first read, so a
// transaction never reads, then finds another process (the engine) committed in between and
// fails with SQLITE_BUSY; on both databases it serializes one organization's resource changes,
// which is what makes name checks, quota counts and job definition revisions race-free.
import type { OrgContext } from "@/lib/auth/context";
import type { Tx } from "@/lib/db";
import { lockOrganization } from "@/lib/organizations/lock";

export function writeTransaction<T>(ctx: Pick<OrgContext, "db" | "organizationId">, fn: (tx: Tx) => Promise<T>) {
  return ctx.db.$transaction(async (tx) => {
    await lockOrganization(tx, ctx.organizationId);
    return fn(tx);
  });
}

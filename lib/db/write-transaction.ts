// Interactive transactions that read and then write must take the write lock before their first
// read. SQLite opens Prisma's transactions DEFERRED: a transaction that has read holds a snapshot,
// and if another process (the engine, the other web server) commits before it writes, its first
// write fails at once with SQLITE_BUSY (the busy timeout does not apply to a stale snapshot).
// Opening with a write that matches no row takes the write lock first — BEGIN IMMEDIATE's
// behaviour — so the transaction waits its turn instead. On PostgreSQL the statement is a no-op.
import type { Db, Tx } from "./index";

/**
 * A write that changes nothing: enough to make SQLite take the write lock. It names a column no
 * foreign key refers to, so SQLite compiles no foreign-key actions for it (see lockOrganization).
 */
export async function takeWriteLock(tx: Tx): Promise<void> {
  await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE 1 = 0`;
}

/** A transaction for work not scoped to one organization (sign-up, invitations, first run). */
export function lockedTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await takeWriteLock(tx);
    return fn(tx);
  });
}

// The one way to open a transaction that reads and then writes.
//
// SQLite opens Prisma's transactions DEFERRED: a transaction that has read holds a snapshot, and
// if another process (the engine, another web server) commits before it writes, its first write
// fails at once with SQLITE_BUSY_SNAPSHOT, which no wait can get past. So on SQLite the
// transaction opens with a write that changes nothing, which takes the write lock before the
// first read (BEGIN IMMEDIATE's behaviour) and makes the transaction wait its turn instead.
//
// With `lockOrganization` that write is a no-op update of the organization's row, on both
// databases: on PostgreSQL it holds the row lock until commit, so one organization's changes
// run one after another, which is what makes name checks, quota counts, "another admin remains"
// and revision numbers race-free. Without it PostgreSQL takes no lock (work that needs row locks
// takes its own), so submissions of one organization do not queue behind each other there.
import { type WakeKind, wakeEngine } from "./engine-wake";
import type { Db, Tx } from "./index";
import { type Provider, providerOf } from "./provider";

export interface WriteTransactionOptions {
  /** Serialize with every other change to this organization (locks its row on both databases). */
  lockOrganization?: string;
  /**
   * Once committed, wake the engine (lib/db/engine-wake.ts): the change may let a job start
   * (a submission, a queue or environment change) or ask it to stop one.
   */
  wakeEngine?: WakeKind;
  /** Prisma's interactive-transaction limits (ms), for large writes. */
  timeout?: number;
  maxWait?: number;
}

type Work<T> = (tx: Tx) => Promise<T>;

export function writeTransaction<T>(db: Db, fn: Work<T>): Promise<T>;
export function writeTransaction<T>(db: Db, options: WriteTransactionOptions, fn: Work<T>): Promise<T>;
export function writeTransaction<T>(
  db: Db,
  optionsOrFn: WriteTransactionOptions | Work<T>,
  maybeFn?: Work<T>,
): Promise<T> {
  const [options, fn] = typeof optionsOrFn === "function" ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (!fn) throw new Error("writeTransaction: no work given");
  const { lockOrganization, timeout, maxWait } = options;
  const provider = providerOf(db);
  const done = db.$transaction(
    async (tx) => {
      await takeWriteLock(tx, provider, lockOrganization);
      return fn(tx);
    },
    { timeout, maxWait },
  );
  if (!options.wakeEngine) return done;
  return done.then((result) => {
    wakeEngine(db, options.wakeEngine!);
    return result;
  });
}

/**
 * The opening write. It sets "name", a column no foreign key refers to: an UPDATE that sets the
 * key other tables refer to ("id") is compiled by SQLite with the foreign-key actions of every
 * one of them (bench/write-lock.ts compares the two).
 */
async function takeWriteLock(tx: Tx, provider: Provider, organizationId: string | undefined): Promise<void> {
  if (organizationId !== undefined) {
    await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE "id" = ${organizationId}`;
  } else if (provider === "sqlite") {
    await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE 1 = 0`;
  }
}

// The SQLite driver adapter Batchdeck runs on: @prisma/adapter-better-sqlite3 with two changes
// that matter once the web server and the engine share one database file under load.
//
// 1. Lock waits do not block the process. better-sqlite3 waits for a lock synchronously (its
//    busy timeout), and while it waits nothing else in that process runs: a web server whose
//    session touch or submission waited for the engine's write lock stopped answering every page
//    and stream for that long. Here the busy timeout is 0 and a statement refused with
//    SQLITE_BUSY is tried again after a short timer, so the event loop keeps serving while the
//    statement waits its turn. Retrying one statement is safe: SQLite refused it whole.
//    SQLITE_BUSY_SNAPSHOT (a transaction's snapshot went stale) is not retried; only a new
//    transaction can succeed, and the caller sees the error as before.
// 2. Transactions get a connection of their own. The stock adapter runs everything on one
//    connection and only orders transactions among themselves, so a query from another request
//    ran inside whichever transaction was open: it read that transaction's uncommitted rows and
//    its writes were rolled back with it. Here queries outside a transaction use one connection
//    and transactions, one at a time, another; a query outside a transaction sees only
//    committed data, as on PostgreSQL.
// 3. Prepared statements are kept. The stock adapter prepares every query afresh, and Prisma
//    sends the same few hundred SQL texts over and over: under the console-load bench,
//    preparing was 7% of the web server's CPU, and for the log hub's query over 200 live tails
//    (lib/logs/log-hub.ts) preparing cost as much as running it. Each connection keeps its
//    STATEMENT_CACHE most recently used statements (cacheStatements below).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite from "better-sqlite3";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Query = Parameters<Adapter["queryRaw"]>[0];

/** How long a statement keeps trying for a lock before it fails (the old busy timeout). */
export const LOCK_WAIT_MS = 10_000;
/** Pauses between tries: short at first (most locks are held for a millisecond or two). */
const BACKOFF_MS = [1, 1, 2, 2, 5, 5, 10];
const MAX_PAUSE_MS = 20;

/** The SQLite result code behind an error, whether the adapter mapped it or passed it on. */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  if (typeof e?.cause?.originalCode === "string") return e.cause.originalCode;
  if (typeof e?.code === "string" && e.code.startsWith("SQLITE_")) return e.code;
  return undefined;
}

/** Lock contention that a later try of the same statement can get past. */
export function isLockBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_RECOVERY" || code === "SQLITE_BUSY_TIMEOUT";
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `run` until SQLite stops refusing it for a lock, waiting on timers, not on the thread. */
export async function whenUnlocked<T>(run: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const deadline = performance.now() + waitMs; // Date.now() is whole ms: up to 1 ms early
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isLockBusy(error) || performance.now() >= deadline) throw error;
      await pause(BACKOFF_MS[attempt] ?? MAX_PAUSE_MS);
    }
  }
}

function retryingQueries<T extends Adapter | Transaction>(inner: T): Pick<T, "queryRaw" | "executeRaw"> {
  return {
    queryRaw: (query: Query) => whenUnlocked(() => inner.queryRaw(query)),
    executeRaw: (query: Query) => whenUnlocked(() => inner.executeRaw(query)),
  } as Pick<T, "queryRaw" | "executeRaw">;
}

function wrapTransaction(inner: Transaction): Transaction {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    options: inner.options,
    ...retryingQueries(inner),
    commit: () => inner.commit(),
    rollback: () => inner.rollback(),
  };
}

/** Statements each connection keeps prepared; past that, the least recently used is dropped. */
export const STATEMENT_CACHE = 256;

type Statement = BetterSqlite.Statement<unknown[]>;

/**
 * What the stock adapter does with a prepared statement: `prepare(sql).bind(args)`, then
 * `reader`, `columns()`, `raw().all()` or `run()`; and `prepare("BEGIN").run()` unbound. A
 * better-sqlite3 statement can be bound only once, so a kept statement is handed out in a
 * wrapper that passes the arguments to each call instead. Rows come back raw (arrays), as the
 * stock adapter asks; nothing else runs statements on these connections.
 */
function reusable(stmt: Statement) {
  const bound = (args: unknown[]) => ({
    reader: stmt.reader,
    columns: () => stmt.columns(),
    raw: () => ({ all: () => stmt.raw(true).all(args) }),
    run: () => stmt.run(args),
  });
  return { reader: stmt.reader, bind: bound, run: () => stmt.run() };
}

/**
 * Makes `client.prepare` keep the last `capacity` statements by SQL text. SQLite re-prepares a
 * kept statement by itself if the schema changes under it.
 */
export function cacheStatements(client: BetterSqlite.Database, capacity = STATEMENT_CACHE): void {
  const prepare = client.prepare.bind(client) as (sql: string) => Statement;
  const kept = new Map<string, Statement>();
  const cachedPrepare = (sql: string) => {
    let stmt = kept.get(sql);
    if (stmt) {
      kept.delete(sql); // to the back: most recently used
    } else {
      stmt = prepare(sql);
      if (kept.size >= capacity) kept.delete(kept.keys().next().value as string);
    }
    kept.set(sql, stmt);
    return reusable(stmt);
  };
  (client as unknown as { prepare: typeof cachedPrepare }).prepare = cachedPrepare;
}

/** The better-sqlite3 connection inside one of the stock adapter's connections. */
function clientOf(adapter: Adapter): BetterSqlite.Database {
  const client = (adapter as unknown as { client?: BetterSqlite.Database }).client;
  if (!client || typeof client.prepare !== "function") {
    throw new Error("the SQLite adapter no longer exposes its connection: see lib/db/sqlite-adapter.ts");
  }
  return client;
}

/** A Prisma driver adapter factory for a SQLite file; see the top of this file. */
export class BatchdeckSqlite {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #stock: PrismaBetterSQLite3;

  constructor(filePath: string) {
    this.#stock = new PrismaBetterSQLite3({ url: `file:${filePath}`, timeout: 0 });
    this.adapterName = this.#stock.adapterName;
  }

  async connect(): Promise<Adapter> {
    const outside = await this.#stock.connect();
    const inside = await this.#stock.connect();
    cacheStatements(clientOf(outside));
    cacheStatements(clientOf(inside));
    return {
      provider: outside.provider,
      adapterName: outside.adapterName,
      ...retryingQueries(outside),
      executeScript: (script: string) => whenUnlocked(() => outside.executeScript(script)),
      // BEGIN is DEFERRED and takes no lock, so only the statements inside wait for one.
      startTransaction: async (isolationLevel) => wrapTransaction(await inside.startTransaction(isolationLevel)),
      dispose: async () => {
        await Promise.all([outside.dispose(), inside.dispose()]);
      },
    };
  }
}

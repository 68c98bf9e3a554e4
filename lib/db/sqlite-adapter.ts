// The SQLite driver adapter Batchdeck's Prisma client runs on: Prisma's public driver-adapter
// interface (@prisma/driver-adapter-utils) over better-sqlite3. Values and errors are converted
// as @prisma/adapter-better-sqlite3 converts them (sqlite-values.ts, sqlite-errors.ts); three
// things differ, and matter once the web server and the engine share one database file under load.
//
// 1. Lock waits do not block the process: the busy timeout is 0 and a statement refused with
//    SQLITE_BUSY is tried again on a timer for up to LOCK_WAIT_MS (sqlite-lock-wait.ts).
//    SQLITE_BUSY_SNAPSHOT (a transaction's snapshot went stale) is not retried; only a new
//    transaction can succeed, and the caller sees the error.
// 2. Two connections per process: one for queries outside a transaction, one for transactions,
//    one transaction at a time. On one shared connection a query from another request would run
//    inside whichever transaction was open: read its uncommitted rows and be rolled back with
//    it. Here a query outside a transaction sees only committed data, as on PostgreSQL.
// 3. Each connection keeps its STATEMENT_CACHE most recently used prepared statements
//    (statement-cache.ts).
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { adapterError } from "./sqlite-errors";
import { whenUnlocked } from "./sqlite-lock-wait";
import { bindValue, columnTypes, resultRow } from "./sqlite-values";
import { STATEMENT_CACHE, StatementCache } from "./statement-cache";

const ADAPTER_NAME = "batchdeck-sqlite";

/** Runs one statement, waiting out lock refusals, and fails with the error Prisma expects. */
async function settle<T>(run: () => T): Promise<T> {
  try {
    return await whenUnlocked(run);
  } catch (error) {
    throw adapterError(error);
  }
}

const argsOf = (query: SqlQuery) => query.args.map((arg, i) => bindValue(arg, query.argTypes[i]));

/** One better-sqlite3 connection with its kept statements. */
export class SqliteConnection implements SqlQueryable {
  readonly provider = "sqlite" as const;
  readonly adapterName = ADAPTER_NAME;
  readonly statements: StatementCache;

  /** `db` must be used by nothing else: its statements are kept and run by this object. */
  constructor(
    readonly db: Database.Database,
    capacity = STATEMENT_CACHE,
  ) {
    // Integers come back as BigInt, so 64-bit values survive; resultRow turns them into text.
    db.defaultSafeIntegers(true);
    this.statements = new StatementCache(db, capacity);
  }

  static open(filePath: string): SqliteConnection {
    return new SqliteConnection(new Database(filePath, { timeout: 0 }));
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return settle(() => this.query(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return settle(() => this.statements.get(query.sql).run(argsOf(query)).changes);
  }

  executeScript(script: string): Promise<void> {
    return settle(() => {
      this.db.exec(script);
    });
  }

  private query(query: SqlQuery): SqlResultSet {
    const stmt = this.statements.get(query.sql);
    const args = argsOf(query);
    if (!stmt.reader) {
      stmt.run(args);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
    const columns = stmt.columns();
    const rows = stmt.raw(true).all(args) as unknown[][];
    const types = columnTypes(
      columns.map((c) => c.type),
      rows,
    );
    return { columnNames: columns.map((c) => c.name), columnTypes: types, rows: rows.map((r) => resultRow(r, types)) };
  }
}

/** Hands the transaction connection to one transaction at a time, in the order they asked. */
class Turns {
  #last: Promise<void> = Promise.resolve();

  /** Resolves with the release once every earlier holder has released. */
  take(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.#last.then(() => release);
    this.#last = this.#last.then(() => released);
    return ready;
  }
}

/**
 * A transaction on the transaction connection. Prisma sends COMMIT or ROLLBACK itself, as a
 * statement (usePhantomQuery: false); commit() and rollback() then hand the connection on.
 */
class SqliteTransaction implements Transaction {
  readonly provider = "sqlite" as const;
  readonly adapterName = ADAPTER_NAME;
  readonly options: TransactionOptions = { usePhantomQuery: false };
  #release: (() => void) | null;

  constructor(
    private readonly conn: SqliteConnection,
    release: () => void,
  ) {
    this.#release = release;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.conn.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.conn.executeRaw(query);
  }

  async commit(): Promise<void> {
    this.end();
  }

  async rollback(): Promise<void> {
    this.end();
  }

  private end() {
    try {
      // A transaction left open (its COMMIT or ROLLBACK failed) would fail every later BEGIN here.
      if (this.conn.db.inTransaction) this.conn.db.exec("ROLLBACK");
    } finally {
      this.#release?.();
      this.#release = null;
    }
  }
}

class SqliteAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName = ADAPTER_NAME;
  readonly #turns = new Turns();

  constructor(
    readonly outside: SqliteConnection,
    readonly inside: SqliteConnection,
    private readonly onDispose: () => void,
  ) {}

  /** The transaction connection's next turn (lib/db/direct.ts takes turns with Prisma's transactions). */
  turn(): Promise<() => void> {
    return this.#turns.take();
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.outside.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.outside.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    return this.outside.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new DriverAdapterError({ kind: "InvalidIsolationLevel", level: isolationLevel });
    }
    const release = await this.#turns.take();
    try {
      // BEGIN is DEFERRED and takes no lock, so only the statements inside wait for one.
      await this.inside.executeRaw({ sql: "BEGIN", args: [], argTypes: [] });
    } catch (error) {
      release();
      throw error;
    }
    return new SqliteTransaction(this.inside, release);
  }

  async dispose(): Promise<void> {
    this.onDispose();
    this.outside.db.close();
    this.inside.db.close();
  }
}

/**
 * The Prisma driver adapter factory for a SQLite file; see the top of this file. One adapter at a
 * time: Prisma's client and lib/db/direct.ts share its connections (a new one after a disconnect).
 */
export class BatchdeckSqlite implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName = ADAPTER_NAME;
  #adapter: SqliteAdapter | null = null;

  constructor(private readonly filePath: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.shared();
  }

  /** The open adapter, opened now if there is none. */
  shared(): SqliteAdapter {
    if (!this.#adapter) {
      const adapter: SqliteAdapter = new SqliteAdapter(
        SqliteConnection.open(this.filePath),
        SqliteConnection.open(this.filePath),
        () => {
          if (this.#adapter === adapter) this.#adapter = null;
        },
      );
      this.#adapter = adapter;
    }
    return this.#adapter;
  }
}

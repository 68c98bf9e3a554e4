// Raw SQL on the hot paths without Prisma's client in between. A `$queryRaw` through Prisma costs
// about 110 µs on SQLite and an interactive transaction about 60 µs more (bench/direct-sql.ts in
// the figures of bench/README.md) although the statement itself runs in a few microseconds, and
// the SubmitJob path ran eight of them per request. The same statements here run on the same
// connections Prisma uses:
//
// - SQLite: the adapter's two better-sqlite3 connections (lib/db/sqlite-adapter.ts), with its
//   lock waits on timers and its kept statements; a transaction takes its turn on the transaction
//   connection with Prisma's own, and opens with BEGIN IMMEDIATE (the write lock first, as
//   lib/db/write-transaction.ts does).
// - PostgreSQL: the pg pool Prisma's adapter runs on (createDb hands it to PrismaPg).
//
// `RawSql` is the part of a Prisma client or transaction these statements use ($queryRaw and
// $executeRaw with a template or Prisma.sql), so a function written against it runs on either.
// Rows come back as the driver reads them, within what `lib/db/raw.ts` already accepts from
// Prisma's raw queries: DateTime columns as ISO text on SQLite and Date on PostgreSQL, booleans
// as 0/1 on SQLite, 64-bit integers as numbers on SQLite and bigint on PostgreSQL.
import pg from "pg";
import { Prisma } from "@/generated/sqlite/client";
import type { Db, Tx } from "./index";
import type { SqliteConnection } from "./sqlite-adapter";
import { whenUnlocked } from "./sqlite-lock-wait";
import { isoText } from "./sqlite-values";

type Sql = Prisma.Sql;

/** What raw-SQL code needs of a database handle; Prisma's client and transactions have it too. */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<number>;
}

/** How createDb's clients reach their connections without Prisma (set by createDb). */
export type DirectTarget =
  | {
      provider: "sqlite";
      connections: () => { outside: SqliteConnection; inside: SqliteConnection; turn: () => Promise<() => void> };
    }
  | { provider: "postgresql"; pool: pg.Pool };

const registry = globalThis as unknown as { batchdeckDirect?: WeakMap<object, DirectTarget> };
registry.batchdeckDirect ??= new WeakMap<object, DirectTarget>();
const targets = registry.batchdeckDirect;

export function rememberDirectTarget(client: object, target: DirectTarget): void {
  targets.set(client, target);
}

function targetOf(db: Db): DirectTarget {
  const target = targets.get(db);
  if (!target) throw new Error("direct SQL: not a database client made by createDb (lib/db/index.ts)");
  return target;
}

const toSql = (query: TemplateStringsArray | Sql, values: unknown[]): Sql =>
  query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);

// Statements of this module are kept apart from Prisma's in the connection's statement cache:
// they read rows as objects with plain numbers, Prisma's as arrays with 64-bit integers.
const DIRECT = "/* direct */ ";

function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return isoText(value);
  return value;
}

class SqliteRaw implements RawSql {
  constructor(private readonly conn: SqliteConnection) {}

  $queryRaw<T = unknown>(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<T> {
    const sql = toSql(query, values);
    return settle(() => {
      const stmt = this.conn.statements.get(DIRECT + sql.sql);
      const args = sql.values.map(sqliteValue);
      stmt.safeIntegers(false);
      if (!stmt.reader) {
        stmt.run(args);
        return [] as T;
      }
      return stmt.all(args) as T;
    });
  }

  $executeRaw(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<number> {
    const sql = toSql(query, values);
    return settle(() => this.conn.statements.get(DIRECT + sql.sql).run(sql.values.map(sqliteValue)).changes);
  }
}

/** Runs one statement, waiting out lock refusals on timers (lib/db/sqlite-lock-wait.ts). */
const settle = <T>(run: () => T): Promise<T> => whenUnlocked(run);

// Prisma's columns are `timestamp(3)` (no time zone) holding UTC; pg would read them as local time.
const TIMESTAMP = 1114;
const INT8 = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP) return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
    if (oid === INT8) return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

function pgValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

class PgRaw implements RawSql {
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<T> {
    const sql = toSql(query, values);
    const result = await this.client.query({ text: sql.text, values: sql.values.map(pgValue), types: pgTypes });
    return result.rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Sql, ...values: unknown[]): Promise<number> {
    const sql = toSql(query, values);
    const result = await this.client.query({ text: sql.text, values: sql.values.map(pgValue), types: pgTypes });
    return result.rowCount ?? 0;
  }
}

/**
 * The fastest way to run raw statements on `db`: without Prisma's client for a client createDb
 * made, and on the transaction itself for an open transaction (or a direct one).
 */
export function rawSql(db: RawSql): RawSql {
  return targets.has(db) ? direct(db as Db) : db;
}

/**
 * `tx` as the Prisma transaction it is, for work that uses Prisma's model API; a direct
 * transaction is refused (its callers route such work to a Prisma transaction beforehand).
 */
export function requirePrisma(tx: RawSql): Tx {
  if (typeof (tx as Partial<Tx>).job?.findMany !== "function") {
    throw new Error("this work uses Prisma's model API and needs a Prisma transaction, not a direct one");
  }
  return tx as Tx;
}

/** Raw statements outside a transaction, each committed on its own. */
export function direct(db: Db): RawSql {
  const target = targetOf(db);
  if (target.provider === "postgresql") {
    return new PgRaw(target.pool);
  }
  return new SqliteRaw(target.connections().outside);
}

/**
 * `fn` in one transaction that reads and writes, committed when it resolves and rolled back when
 * it throws. On SQLite it holds the write lock from its first statement (BEGIN IMMEDIATE), as a
 * Prisma transaction opened by writeTransaction does; on PostgreSQL it takes no lock of its own.
 */
export function directTransaction<T>(db: Db, fn: (tx: RawSql) => Promise<T>): Promise<T> {
  const target = targetOf(db);
  return target.provider === "postgresql" ? pgTransaction(target.pool, fn) : sqliteTransaction(target, fn);
}

async function sqliteTransaction<T>(
  target: Extract<DirectTarget, { provider: "sqlite" }>,
  fn: (tx: RawSql) => Promise<T>,
): Promise<T> {
  const { inside, turn } = target.connections();
  const release = await turn();
  try {
    await settle(() => inside.db.exec("BEGIN IMMEDIATE"));
    let result: T;
    try {
      result = await fn(new SqliteRaw(inside));
      await settle(() => inside.db.exec("COMMIT"));
    } finally {
      // Whatever failed (the work, or COMMIT itself), leave no transaction open on the connection.
      if (inside.db.inTransaction) inside.db.exec("ROLLBACK");
    }
    return result;
  } finally {
    release();
  }
}

async function pgTransaction<T>(pool: pg.Pool, fn: (tx: RawSql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const result = await fn(new PgRaw(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is not fit to go back to the pool
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

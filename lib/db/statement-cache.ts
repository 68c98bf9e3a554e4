// Prepared statements kept per connection. Prisma sends the same few hundred SQL texts over and
// over, and preparing one costs about as much as running a small query: under the console-load
// bench preparing was 7% of the web server's CPU, and for the log hub's query over 200 live
// tails (lib/logs/log-hub.ts) it cost as much as running it.
import type BetterSqlite from "better-sqlite3";

/** Statements each connection keeps prepared; past that, the least recently used is dropped. */
export const STATEMENT_CACHE = 256;

export type Statement = BetterSqlite.Statement<unknown[]>;

/**
 * A connection's statements by SQL text, least recently used dropped first. SQLite re-prepares a
 * kept statement by itself if the schema changes under it. A better-sqlite3 statement takes its
 * arguments with each run, so one kept statement serves every call of its SQL.
 */
export class StatementCache {
  readonly #kept = new Map<string, Statement>();

  constructor(
    private readonly db: BetterSqlite.Database,
    private readonly capacity = STATEMENT_CACHE,
  ) {}

  get size(): number {
    return this.#kept.size;
  }

  get(sql: string): Statement {
    let stmt = this.#kept.get(sql);
    if (stmt) {
      this.#kept.delete(sql); // to the back: most recently used
    } else {
      stmt = this.db.prepare(sql) as Statement;
      if (this.#kept.size >= this.capacity) this.#kept.delete(this.#kept.keys().next().value as string);
    }
    this.#kept.set(sql, stmt);
    return stmt;
  }
}

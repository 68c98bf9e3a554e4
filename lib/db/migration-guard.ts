// What the SQLite migration runner refuses to apply. Prisma changes a SQLite table it cannot
// ALTER by rebuilding it: create "new_X", copy the rows, DROP TABLE "X", rename "new_X" to "X",
// between PRAGMA foreign_keys=OFF and ON. The runner applies migrations inside a transaction,
// where that pragma does nothing, so the DROP TABLE deletes X's rows with foreign keys on: every
// table referring to X loses its rows (ON DELETE CASCADE), has them emptied (SET NULL) or the
// migration fails at commit. A migration that drops a table other tables refer to is therefore
// refused before it runs, whatever the data, so the mistake shows on an empty test database
// rather than on a production one.
import type BetterSqlite from "better-sqlite3";

export interface ReferencedDrop {
  /** The table the migration drops. */
  table: string;
  /** The tables whose foreign keys refer to it. */
  referencedBy: string[];
}

/** The script without comments, so commented-out SQL is not read as SQL. */
const withoutComments = (sql: string) => sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");

/** A table name as SQL writes it: "quoted", `quoted`, [quoted] or bare, optionally after a schema. */
const NAME = String.raw`(?:(?:"[^"]+"|\w+)\s*\.\s*)?("[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|\w+)`;
const unquote = (name: string) => name.replace(/^["`[]|["`\]]$/g, "");
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Statements on their own, split at semicolons outside quotes. */
function statements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === "`") {
      quote = c;
    } else if (c === ";") {
      out.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

const DROP = new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${NAME}`, "i");
const CREATE = new RegExp(String.raw`^CREATE\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, "i");
const REFERENCES = new RegExp(String.raw`\bREFERENCES\s+${NAME}`, "gi");

/** Tables of the database whose foreign keys refer to `table` (itself excepted). */
function referencingTables(db: BetterSqlite.Database, table: string): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT m.name AS name FROM sqlite_master m, pragma_foreign_key_list(m.name) p
       WHERE m.type = 'table' AND p."table" = ? COLLATE NOCASE AND m.name <> ? COLLATE NOCASE`,
    )
    .all(table, table) as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * The tables a migration would drop while other tables refer to them: tables of the database
 * as it is, and tables the migration itself creates before the drop (a rebuilt table's copy
 * that refers to the original, as a self-reference does), less those it dropped already.
 */
export function referencedDrops(db: BetterSqlite.Database, sql: string): ReferencedDrop[] {
  const createdReferences = new Map<string, string[]>();
  const dropped: string[] = [];
  const found: ReferencedDrop[] = [];
  for (const statement of statements(withoutComments(sql))) {
    const created = CREATE.exec(statement);
    if (created?.[1]) {
      const targets = [...statement.matchAll(REFERENCES)].map((m) => unquote(m[1] ?? ""));
      createdReferences.set(unquote(created[1]), targets);
      continue;
    }
    const drop = DROP.exec(statement);
    if (!drop?.[1]) continue;
    const table = unquote(drop[1]);
    const fromMigration = [...createdReferences]
      .filter(([name, targets]) => !same(name, table) && targets.some((t) => same(t, table)))
      .map(([name]) => name);
    const referencedBy = [...new Set([...referencingTables(db, table), ...fromMigration])].filter(
      (name) => !dropped.some((d) => same(d, name)),
    );
    if (referencedBy.length > 0) found.push({ table, referencedBy: referencedBy.sort() });
    dropped.push(table);
  }
  return found;
}

/** Throws, naming the table and who refers to it, when a migration would drop a referenced table. */
export function refuseReferencedDrops(db: BetterSqlite.Database, migration: string, sql: string): void {
  const [first, ...more] = referencedDrops(db, sql);
  if (!first) return;
  const also = more.length > 0 ? ` (and ${more.map((d) => `"${d.table}"`).join(", ")})` : "";
  throw new Error(
    `Migration ${migration} drops table "${first.table}"${also}, which foreign keys of ` +
      `${first.referencedBy.map((t) => `"${t}"`).join(", ")} refer to. Migrations run inside a ` +
      `transaction, where PRAGMA foreign_keys=OFF does nothing, so rebuilding the table would ` +
      `delete or empty their rows. Change "${first.table}" in place instead (ALTER TABLE … ADD, ` +
      `DROP or RENAME COLUMN), as prisma/migrations/sqlite/20261201060837_aws_backend_config does.`,
  );
}

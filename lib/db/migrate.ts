// Applies prisma/migrations/<provider>/*/migration.sql in name order, each once, recorded in
// _batchdeck_migrations. Prisma's own `migrate deploy` cannot be used for PostgreSQL here (it
// needs a native engine and trips on prisma/orm#27403), so one small runner serves both
// databases. Two servers starting at once are serialized: by an advisory lock on PostgreSQL and
// by BEGIN IMMEDIATE on SQLite. A migration that fails is rolled back whole. On SQLite a migration
// that drops a table other tables refer to is refused before it runs (migration-guard.ts).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { refuseReferencedDrops } from "./migration-guard";
import { type Provider, providerOf } from "./provider";
import { sqliteFilePath } from "./sqlite-path";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_LOCK_KEY = 7_240_155_001;

export function loadMigrations(root: string, provider: Provider): Migration[] {
  const dir = join(root, "prisma/migrations", provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkApplied(applied: Map<string, string>, migrations: Migration[]) {
  const known = new Map(migrations.map((m) => [m.name, m.checksum]));
  for (const [name, checksum] of applied) {
    const expected = known.get(name);
    if (expected === undefined) throw new Error(`The database has migration ${name}, which this version does not know`);
    if (expected !== checksum) throw new Error(`Migration ${name} was changed after it was applied`);
  }
}

export async function migrate(url: string, root = process.cwd()): Promise<string[]> {
  return providerOf(url) === "postgresql" ? migratePostgres(url, root) : migrateSqlite(url, root);
}

async function migrateSqlite(url: string, root: string): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const file = sqliteFilePath(url);
  mkdirSync(dirname(file), { recursive: true });
  const conn = new Database(file, { timeout: 30_000 });
  try {
    conn.pragma("journal_mode = WAL");
    conn.pragma("synchronous = NORMAL");
    conn.exec(
      "CREATE TABLE IF NOT EXISTS _batchdeck_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    );
    const migrations = loadMigrations(root, "sqlite");
    const appliedNow: string[] = [];
    conn.exec("BEGIN IMMEDIATE");
    try {
      const rows = conn.prepare("SELECT name, checksum FROM _batchdeck_migrations").all() as {
        name: string;
        checksum: string;
      }[];
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      checkApplied(applied, migrations);
      const record = conn.prepare("INSERT INTO _batchdeck_migrations (name, checksum, applied_at) VALUES (?, ?, ?)");
      for (const m of migrations) {
        if (applied.has(m.name)) continue;
        refuseReferencedDrops(conn, m.name, m.sql);
        conn.exec(m.sql);
        record.run(m.name, m.checksum, Date.now());
        appliedNow.push(m.name);
      }
      conn.exec("COMMIT");
    } catch (error) {
      conn.exec("ROLLBACK");
      throw error;
    }
    return appliedNow;
  } finally {
    conn.close();
  }
}

async function migratePostgres(url: string, root: string): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS _batchdeck_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const migrations = loadMigrations(root, "postgresql");
    const { rows } = await client.query<{ name: string; checksum: string }>(
      "SELECT name, checksum FROM _batchdeck_migrations",
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkApplied(applied, migrations);
    const appliedNow: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query("INSERT INTO _batchdeck_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)", [
          m.name,
          m.checksum,
          Date.now(),
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`);
      }
      appliedNow.push(m.name);
    }
    return appliedNow;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

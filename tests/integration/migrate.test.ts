// The migration runner on SQLite refuses a migration that drops a table other tables refer to
// (lib/db/migration-guard.ts). The first test shows why, so the guard's refusal proves
// something: applied the way the runner applies migrations (inside a transaction), Prisma's
// table rebuild deletes the rows of every table that refers to the rebuilt one.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { createOrgWithAdmin } from "../helpers/fixtures";

const FIXTURES = join(process.cwd(), "tests/fixtures/migrations");
const rebuildsUser = readFileSync(join(FIXTURES, "rebuild-referenced-table/migration.sql"), "utf8");

/** The project's SQLite migrations plus one fixture migration, as a root migrate() reads. */
function rootWith(fixture: string): string {
  const root = mkdtempSync(join(tmpdir(), "batchdeck-migrations-"));
  const dir = join(root, "prisma/migrations/sqlite");
  mkdirSync(dir, { recursive: true });
  cpSync(join(process.cwd(), "prisma/migrations/sqlite"), dir, { recursive: true });
  cpSync(join(FIXTURES, fixture), join(dir, `99991231000000_${fixture.replaceAll("-", "_")}`), { recursive: true });
  return root;
}

describe("SQLite migrations that rebuild a table", () => {
  let t: TestDatabase;
  const roots: string[] = [];

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    await createOrgWithAdmin(t.db, "Kept");
  });
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const count = (db: Database.Database, table: string) =>
    Number((db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n);

  it("lose the referring tables' rows when run inside a transaction (why the runner refuses them)", () => {
    const copy = join(mkdtempSync(join(tmpdir(), "batchdeck-rebuild-")), "copy.db");
    roots.push(join(copy, ".."));
    const source = new Database(sqliteFilePath(t.url));
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    const db = new Database(copy);
    try {
      expect(count(db, "Membership")).toBeGreaterThan(0);
      db.exec("BEGIN IMMEDIATE");
      db.exec(rebuildsUser);
      db.exec("COMMIT");
      expect(count(db, "User")).toBeGreaterThan(0);
      expect(count(db, "Membership")).toBe(0);
    } finally {
      db.close();
    }
  });

  it("are refused before they run, with the table and who refers to it named", async () => {
    const root = rootWith("rebuild-referenced-table");
    roots.push(root);
    const error = await migrate(t.url, root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Migration 99991231000000_rebuild_referenced_table drops table "User"');
    for (const table of ["AccessKey", "Membership", "Session"]) expect(message).toContain(`"${table}"`);
    expect(message).toMatch(/foreign_keys=OFF/);
    const db = new Database(sqliteFilePath(t.url), { readonly: true });
    try {
      expect(count(db, "Membership")).toBeGreaterThan(0);
      const applied = db.prepare("SELECT name FROM _batchdeck_migrations").all() as { name: string }[];
      expect(applied.map((m) => m.name)).not.toContain("99991231000000_rebuild_referenced_table");
    } finally {
      db.close();
    }
  });

  it("go ahead when nothing refers to the rebuilt table", async () => {
    const root = rootWith("rebuild-unreferenced-table");
    roots.push(root);
    expect(await migrate(t.url, root)).toEqual(["99991231000000_rebuild_unreferenced_table"]);
    expect(await t.db.membership.count()).toBeGreaterThan(0);
  });
});

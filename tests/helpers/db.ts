// A fresh, migrated database per call, on SQLite or PostgreSQL, cloned from the templates the
// global setup prepared. Tests run against real databases only.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db, type Provider } from "@/lib/db";

export const PROVIDERS: Provider[] = ["sqlite", "postgresql"];

export interface TestDatabase {
  provider: Provider;
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function freshDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "batchdeck-test-"));
    const file = join(dir, "test.db");
    copyFileSync(inject("sqliteTemplate"), file);
    const url = `file:${file}`;
    const db = createDb(url);
    return {
      provider,
      url,
      db,
      async close() {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `t_${randomBytes(6).toString("hex")}`;
  const adminUrl = inject("pgAdminUrl");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("pgTemplate")}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const db = createDb(url);
  return {
    provider,
    url,
    db,
    async close() {
      await db.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

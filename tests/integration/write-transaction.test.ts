// A read-then-write transaction must not fail because another process committed between its
// read and its write. On SQLite a plain (DEFERRED) transaction does fail that way — the first
// test shows it, so the second one proves something — and lockedTransaction does not. The other
// writer is a real second process: better-sqlite3 waits for a lock synchronously, so a second
// client inside this process would block the transaction it waits for.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { lockedTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";

let accounts = 100_000_000_000;
function orgData(name: string) {
  accounts += 1;
  const id = newId();
  return { id, name, slug: `${name}-${id}`.toLowerCase(), accountId: String(accounts) };
}

const SQL = `INSERT INTO "Organization" ("id", "name", "slug", "backend", "accountId", "createdAt") VALUES ($1, $2, $3, 'builtin', $4, CURRENT_TIMESTAMP)`;

/**
 * Inserts one organization from another process; `done` resolves when that process has
 * committed. With `report`, its first try does not wait for a lock, and `tried` resolves with
 * what became of it: "passed" (committed) or "waiting" (refused for the lock; it then waits and
 * commits once the lock is free).
 */
function insertFromAnotherProcess(
  t: TestDatabase,
  name: string,
): { tried: Promise<"passed" | "waiting">; done: Promise<void> } {
  const row = orgData(name);
  const values = [row.id, row.name, row.slug, row.accountId];
  const script =
    t.provider === "sqlite"
      ? `import Database from "better-sqlite3";
         const db = new Database(${JSON.stringify(sqliteFilePath(t.url))}, { timeout: 0 });
         const insert = db.prepare(${JSON.stringify(SQL.replace(/\$\d/g, "?"))});
         try {
           insert.run(...${JSON.stringify(values)});
           console.log("passed");
         } catch (error) {
           if (error.code !== "SQLITE_BUSY") throw error;
           console.log("waiting");
           db.pragma("busy_timeout = 10000");
           insert.run(...${JSON.stringify(values)});
         }`
      : `import pg from "pg";
         const c = new pg.Client(${JSON.stringify(t.url)}); await c.connect();
         await c.query(${JSON.stringify(SQL)}, ${JSON.stringify(values)}); await c.end();
         console.log("passed");`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tried = new Promise<"passed" | "waiting">((resolve) =>
    child.stdout.once("data", (text: Buffer) => resolve(text.toString().trim().split("\n")[0] as "passed" | "waiting")),
  );
  const done = new Promise<void>((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the other writer exited ${code}`)))),
  );
  return { tried, done };
}

describe.each(PROVIDERS)("write transactions on %s", (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lockedTransaction reads, lets another process's write wait or pass, and commits both", async () => {
    const before = await t.db.organization.count();
    let other: ReturnType<typeof insertFromAnotherProcess> | undefined;
    await lockedTransaction(t.db, async (tx) => {
      expect(await tx.organization.count()).toBe(before);
      other = insertFromAnotherProcess(t, "locked-other");
      // SQLite: the other write was refused for this transaction's lock and waits for it;
      // PostgreSQL: it went through beside this transaction.
      expect(await other.tried).toBe(provider === "sqlite" ? "waiting" : "passed");
      await tx.organization.create({ data: orgData("locked") });
    });
    await other?.done;
    expect(await t.db.organization.count()).toBe(before + 2);
  });
});

describe("a plain transaction on SQLite (why lockedTransaction exists)", () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
  });
  afterAll(async () => {
    await t.close();
  });

  it("fails when another process commits between its read and its write", async () => {
    const attempt = t.db.$transaction(async (tx) => {
      await tx.organization.count();
      await insertFromAnotherProcess(t, "plain-other").done;
      await tx.organization.create({ data: orgData("plain") });
    });
    await expect(attempt).rejects.toThrow(/locked|busy/i);
  });
});

describe("the lock statements on SQLite", () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
  });
  afterAll(async () => {
    await t.close();
  });

  it("set a column of Organization that no foreign key refers to", async () => {
    // SQLite compiles the foreign-key actions of every table referring to a column an UPDATE
    // sets, each time the statement is prepared: setting "id" cost ~0.5 ms per transaction.
    const referenced = await t.db.$queryRaw<{ to: string }[]>`
      SELECT p."to" AS "to" FROM sqlite_master m, pragma_foreign_key_list(m.name) p
      WHERE m.type = 'table' AND p."table" = 'Organization'`;
    expect(referenced.length).toBeGreaterThan(0);
    const sources = ["lib/organizations/lock.ts", "lib/db/write-transaction.ts"].map((f) =>
      readFileSync(join(process.cwd(), f), "utf8"),
    );
    const setColumns = sources.flatMap((s) => [...s.matchAll(/UPDATE "Organization" SET "(\w+)"/g)].map((m) => m[1]));
    expect(setColumns).toHaveLength(2);
    for (const column of setColumns) expect(referenced.map((r) => r.to)).not.toContain(column);
  });
});

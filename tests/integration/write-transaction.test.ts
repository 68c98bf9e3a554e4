// A read-then-write transaction must not fail because another process committed between its
// read and its write. On SQLite a plain (DEFERRED) transaction does fail that way — a test below
// shows it, so the first one proves something — and writeTransaction does not. The other writer
// is a real second process: better-sqlite3 waits for a lock synchronously, so a second client
// inside this process would block the transaction it waits for. With lockOrganization, one
// organization's write transactions run one after another on both databases.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { waitFor } from "../helpers/engine-fixtures";

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

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(PROVIDERS)("write transactions on %s", (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("reads, lets another process's write wait or pass, and commits both", async () => {
    const before = await t.db.organization.count();
    let other: ReturnType<typeof insertFromAnotherProcess> | undefined;
    await writeTransaction(t.db, async (tx) => {
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

  /** Sessions of this database waiting for a lock another holds (PostgreSQL). */
  async function lockWaiters(): Promise<number> {
    const [row] = await t.db.$queryRaw<{ n: bigint | number }[]>`
      SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return Number(row?.n ?? 0);
  }

  // On SQLite one writer at a time is the database's own rule (and the adapter's: one
  // transaction at a time per process), so these are PostgreSQL's only: defined for it alone,
  // not skipped on SQLite.
  const onPostgres = provider === "postgresql" ? it : null;
  onPostgres?.("with lockOrganization, makes the organization's next write transaction wait for this one", async () => {
    const org = orgData("serial");
    await t.db.organization.create({ data: org });
    const steps: string[] = [];
    const locked = deferred();
    const release = deferred();
    const first = writeTransaction(t.db, { lockOrganization: org.id }, async () => {
      steps.push("first has the lock");
      locked.resolve();
      await release.promise;
      steps.push("first commits");
    });
    await locked.promise;
    const second = writeTransaction(t.db, { lockOrganization: org.id }, async () => {
      steps.push("second has the lock");
    });
    await waitFor("the second to wait for the row lock", async () => (await lockWaiters()) > 0, 10_000, 10);
    expect(steps).toEqual(["first has the lock"]);
    release.resolve();
    await Promise.all([first, second]);
    expect(steps).toEqual(["first has the lock", "first commits", "second has the lock"]);
  });

  onPostgres?.("without it, takes no lock there: another write goes through meanwhile", async () => {
    const org = orgData("unlocked");
    await t.db.organization.create({ data: org });
    const opened = deferred();
    const release = deferred();
    const first = writeTransaction(t.db, async () => {
      opened.resolve();
      await release.promise;
    });
    await opened.promise;
    // Were the row locked, this would wait for `first`, which waits for this: the test would time out.
    await writeTransaction(t.db, { lockOrganization: org.id }, async (tx) => {
      await tx.organization.update({ where: { id: org.id }, data: { name: "renamed" } });
    });
    release.resolve();
    await first;
  });
});

describe("a plain transaction on SQLite (why writeTransaction exists)", () => {
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
    // sets into the statement (bench/write-lock.ts compares the two).
    const referenced = await t.db.$queryRaw<{ to: string }[]>`
      SELECT p."to" AS "to" FROM sqlite_master m, pragma_foreign_key_list(m.name) p
      WHERE m.type = 'table' AND p."table" = 'Organization'`;
    expect(referenced.length).toBeGreaterThan(0);
    const source = readFileSync(join(process.cwd(), "lib/db/write-transaction.ts"), "utf8");
    const setColumns = [...source.matchAll(/UPDATE "Organization" SET "(\w+)"/g)].map((m) => m[1]);
    expect(setColumns).toHaveLength(2);
    for (const column of setColumns) expect(referenced.map((r) => r.to)).not.toContain(column);
  });
});

// The SQLite adapter (lib/db/sqlite-adapter.ts) on a real database file. The other connection
// holding the lock is a plain better-sqlite3 connection in this process: it never waits for a
// lock itself, so it can hold one while the client under test waits.

import type { SqlQuery } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, hashToken, readSession, sessionWritesSettled } from "@/lib/auth/session";
import { SqliteConnection } from "@/lib/db/sqlite-adapter";
import { isLockBusy } from "@/lib/db/sqlite-errors";
import { LOCK_WAIT_MS, whenUnlocked } from "@/lib/db/sqlite-lock-wait";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { createOrgWithAdmin } from "../helpers/fixtures";

let accounts = 200_000_000_000;
function orgData(name: string) {
  accounts += 1;
  const id = newId();
  return { id, name, slug: `${name}-${id}`.toLowerCase(), accountId: String(accounts) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest stretch, in ms, in which a 5 ms interval did not get to run while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    const value = await work();
    stallMs = Math.max(stallMs, performance.now() - last);
    return { value, stallMs };
  } finally {
    clearInterval(timer);
  }
}

describe("the SQLite adapter", () => {
  let t: TestDatabase;
  let holder: Database.Database;
  const HOLD_MS = 1_000;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    holder = new Database(sqliteFilePath(t.url));
  });
  afterAll(async () => {
    holder.close();
    await t.close();
  });

  /** Takes the write lock on the other connection and lets it go after HOLD_MS. */
  function holdWriteLock(): Promise<void> {
    holder.exec("BEGIN IMMEDIATE");
    return sleep(HOLD_MS).then(() => {
      holder.exec("COMMIT");
    });
  }

  it("waits for another connection's write lock without stopping the event loop", async () => {
    const released = holdWriteLock();
    const row = orgData("waits-outside");
    const started = performance.now();
    const { stallMs } = await longestStall(() => t.db.organization.create({ data: row }));
    const waitedMs = performance.now() - started;
    await released;
    expect(await t.db.organization.findUnique({ where: { id: row.id } })).not.toBeNull();
    // It did wait for the lock (a synchronous busy wait would stall for the whole hold)...
    expect(waitedMs).toBeGreaterThanOrEqual(HOLD_MS * 0.8);
    // ...while timers kept running.
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
  });

  it("lets a transaction wait for the write lock the same way", async () => {
    const released = holdWriteLock();
    const row = orgData("waits-inside");
    const { stallMs } = await longestStall(() =>
      writeTransaction(t.db, async (tx) => tx.organization.create({ data: row })),
    );
    await released;
    expect(await t.db.organization.findUnique({ where: { id: row.id } })).not.toBeNull();
    expect(stallMs).toBeLessThan(HOLD_MS / 2);
  });

  it("answers a session read at once while its slide waits for the lock", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Slide");
    const session = await createSession(t.db, { userId: admin.id, organizationId, days: 1 });
    const id = hashToken(session.token);
    await t.db.session.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 120_000) } });
    const released = holdWriteLock();
    const started = performance.now();
    expect((await readSession(t.db, session.token, 1))?.user.id).toBe(admin.id);
    expect(performance.now() - started).toBeLessThan(HOLD_MS / 2);
    await released;
    await sessionWritesSettled();
    const row = await t.db.session.findUniqueOrThrow({ where: { id } });
    expect(Date.now() - row.lastSeenAt.getTime()).toBeLessThan(60_000);
  });

  it("keeps queries outside a transaction out of it: no uncommitted reads, no shared rollback", async () => {
    const inTx = orgData("rolled-back");
    const outside = orgData("outside");
    let seenDuring: unknown = "not read";
    let outsideWrite: Promise<unknown> | undefined;
    const failed = t.db
      .$transaction(async (tx) => {
        await tx.organization.create({ data: inTx });
        seenDuring = await t.db.organization.findUnique({ where: { id: inTx.id } });
        // This write waits for the transaction's lock; it must not become part of it.
        outsideWrite = t.db.organization.create({ data: outside });
        await sleep(100);
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    expect(await failed).toBe("roll back");
    await outsideWrite;
    expect(seenDuring).toBeNull();
    expect(await t.db.organization.findUnique({ where: { id: inTx.id } })).toBeNull();
    expect(await t.db.organization.findUnique({ where: { id: outside.id } })).not.toBeNull();
  });

  it("runs one transaction at a time, the next once the one before has committed", async () => {
    const steps: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let opened: () => void = () => {};
    const firstOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const first = t.db.$transaction(async (tx) => {
      steps.push("first begins");
      opened();
      await held;
      await tx.organization.create({ data: orgData("turn-first") });
      steps.push("first ends");
    });
    await firstOpen;
    const second = t.db.$transaction(async (tx) => {
      steps.push("second begins");
      await tx.organization.count();
    });
    // Queries outside transactions go on meanwhile, on the other connection.
    expect(await t.db.organization.count()).toBeGreaterThan(0);
    expect(steps).toEqual(["first begins"]);
    release();
    await Promise.all([first, second]);
    expect(steps).toEqual(["first begins", "first ends", "second begins"]);
  });

  it("fails a transaction whose snapshot went stale at once instead of retrying it", async () => {
    const started = performance.now();
    const outcome = await t.db
      .$transaction(async (tx) => {
        await tx.organization.count();
        // Another connection commits after this transaction's first read...
        holder.exec("BEGIN IMMEDIATE");
        holder
          .prepare(
            `INSERT INTO "Organization" ("id","name","slug","backend","accountId","createdAt") VALUES (?,?,?,'builtin',?,CURRENT_TIMESTAMP)`,
          )
          .run(...Object.values(orgData("stale-maker")));
        holder.exec("COMMIT");
        // ...so this write can never succeed inside it.
        await tx.organization.create({ data: orgData("stale") });
        return "committed";
      })
      .catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as Error).message)).toMatch(/SQLITE_BUSY_SNAPSHOT|database is locked|busy/i);
    expect(performance.now() - started).toBeLessThan(LOCK_WAIT_MS / 2);
  });
});

describe("kept statements", () => {
  /** A connection of the adapter over an in-memory database whose prepares are counted by SQL text. */
  function countedConnection(capacity: number) {
    const db = new Database(":memory:");
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    (db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    };
    return { conn: new SqliteConnection(db, capacity), prepared };
  }
  const query = (sql: string, args: (number | string)[] = []): SqlQuery => ({
    sql,
    args,
    argTypes: args.map((a) => ({ scalarType: typeof a === "number" ? "int" : "string", arity: "scalar" })),
  });

  it("prepares a SQL text once and runs it with each call's own arguments", async () => {
    const { conn, prepared } = countedConnection(8);
    await conn.executeRaw(query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"));
    const insert = "INSERT INTO t (id, name) VALUES (?, ?)";
    for (const [id, name] of [
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ] as const) {
      expect(await conn.executeRaw(query(insert, [id, name]))).toBe(1);
    }
    const select = "SELECT name FROM t WHERE id >= ? ORDER BY id";
    expect((await conn.queryRaw(query(select, [2]))).rows).toEqual([["two"], ["three"]]);
    expect((await conn.queryRaw(query(select, [3]))).rows).toEqual([["three"]]);
    // A statement that failed runs again cleanly with other arguments; the failure is Prisma's.
    await expect(conn.executeRaw(query(insert, [4, "one"]))).rejects.toMatchObject({
      cause: { kind: "UniqueConstraintViolation", originalCode: "SQLITE_CONSTRAINT_UNIQUE" },
    });
    expect(await conn.executeRaw(query(insert, [4, "four"]))).toBe(1);
    expect((await conn.queryRaw(query(select, [0]))).rows).toHaveLength(4);
    expect(prepared.filter((sql) => sql === insert)).toHaveLength(1);
    expect(prepared.filter((sql) => sql === select)).toHaveLength(1);
    conn.db.close();
  });

  it("keeps at most its capacity, dropping the least recently used", async () => {
    const { conn, prepared } = countedConnection(2);
    const q = (n: number) => `SELECT ${n} AS n`;
    for (const n of [1, 2, 1, 3, 1, 2]) expect((await conn.queryRaw(query(q(n)))).rows).toEqual([[String(n)]]);
    // 1, 2 prepared; 1 kept; 3 evicts 2; 1 kept; 2 prepared again (evicting 3).
    expect(prepared).toEqual([q(1), q(2), q(3), q(2)]);
    conn.db.close();
  });

  it("serve Prisma's queries on a real database: same SQL, other arguments, right rows", async () => {
    const t = await freshDatabase("sqlite");
    try {
      const a = await createOrgWithAdmin(t.db, "Kept A");
      const b = await createOrgWithAdmin(t.db, "Kept B");
      for (let round = 0; round < 3; round++) {
        for (const org of [a, b]) {
          const found = await t.db.membership.findMany({
            where: { userId: org.admin.id },
            select: { organizationId: true },
          });
          expect(found).toEqual([{ organizationId: org.organizationId }]);
        }
      }
    } finally {
      await t.close();
    }
  });
});

describe("whenUnlocked", () => {
  const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

  it("tries a refused statement again until it gets through", async () => {
    let calls = 0;
    const value = await whenUnlocked(async () => {
      calls += 1;
      if (calls < 4) throw busy();
      return "done";
    });
    expect(value).toBe("done");
    expect(calls).toBe(4);
  });

  it("gives up after its wait and throws the lock error", async () => {
    let calls = 0;
    const started = performance.now();
    const error = await whenUnlocked(async () => {
      calls += 1;
      throw busy();
    }, 150).catch((e: unknown) => e);
    expect(isLockBusy(error)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(calls).toBeGreaterThan(3);
  });

  it("does not retry other errors, a stale snapshot among them", async () => {
    for (const code of ["SQLITE_BUSY_SNAPSHOT", "SQLITE_CONSTRAINT_UNIQUE"]) {
      let calls = 0;
      const error = await whenUnlocked(async () => {
        calls += 1;
        throw Object.assign(new Error(code), { code });
      }).catch((e: unknown) => e);
      expect((error as Error).message).toBe(code);
      expect(calls).toBe(1);
    }
  });

  it("recognises the lock error the Prisma adapter maps", () => {
    expect(isLockBusy({ cause: { kind: "SocketTimeout", originalCode: "SQLITE_BUSY" } })).toBe(true);
    expect(isLockBusy({ cause: { kind: "SocketTimeout", originalCode: "SQLITE_BUSY_SNAPSHOT" } })).toBe(false);
    expect(isLockBusy(new Error("plain"))).toBe(false);
  });
});

// The SQLite adapter (lib/db/sqlite-adapter.ts) on a real database file. The other connection
// holding the lock is a plain better-sqlite3 connection in this process: it never waits for a
// lock itself, so it can hold one while the client under test waits.

import type { SqlQuery } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSession, hashToken, readSession, sessionWritesSettled } from "@/lib/auth/session";
import { SqliteConnection } from "@/lib/db/sqlite-adapter";
import { isLockBusy } from "@/lib/db/sqlite-errors";
import { whenUnlocked } from "@/lib/db/sqlite-lock-wait";
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

/** Resolves after `n` turns of a timer: waiting on the event loop, not on the clock. */
function timerTurns(n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const timer = setInterval(() => {
      if (--left <= 0) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}

describe("the SQLite adapter", () => {
  let t: TestDatabase;
  let holder: Database.Database;
  /** Timer turns the other connection holds the lock for. */
  const HOLD_TURNS = 20;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    holder = new Database(sqliteFilePath(t.url));
  });
  afterAll(async () => {
    holder.close();
    await t.close();
  });

  /**
   * Takes the write lock on the other connection and lets it go from a timer, once it has fired
   * HOLD_TURNS times: it can only if the event loop keeps turning while the client under test
   * waits (a synchronous wait for the lock would hold the lock's release up behind it).
   */
  function holdWriteLock(): { released: Promise<void>; committed: () => boolean } {
    holder.exec("BEGIN IMMEDIATE");
    let committed = false;
    const released = timerTurns(HOLD_TURNS).then(() => {
      holder.exec("COMMIT");
      committed = true;
    });
    return { released, committed: () => committed };
  }

  it("waits for another connection's write lock without stopping the event loop", async () => {
    const lock = holdWriteLock();
    const row = orgData("waits-outside");
    // Written only once the timer released the lock: it waited, and the loop turned meanwhile.
    const afterRelease = await t.db.organization.create({ data: row }).then(lock.committed);
    await lock.released;
    expect(afterRelease).toBe(true);
    expect(await t.db.organization.findUnique({ where: { id: row.id } })).not.toBeNull();
  });

  it("lets a transaction wait for the write lock the same way", async () => {
    const lock = holdWriteLock();
    const row = orgData("waits-inside");
    const afterRelease = await writeTransaction(t.db, async (tx) => tx.organization.create({ data: row })).then(
      lock.committed,
    );
    await lock.released;
    expect(afterRelease).toBe(true);
    expect(await t.db.organization.findUnique({ where: { id: row.id } })).not.toBeNull();
  });

  it("answers a session read at once while its slide waits for the lock", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Slide");
    const session = await createSession(t.db, { userId: admin.id, organizationId, days: 1 });
    const id = hashToken(session.token);
    const stale = new Date(Date.now() - 120_000);
    await t.db.session.update({ where: { id }, data: { lastSeenAt: stale } });
    const lock = holdWriteLock();
    expect((await readSession(t.db, session.token, 1))?.user.id).toBe(admin.id);
    // Answered while the lock was still held: the read did not wait for its slide.
    expect(lock.committed()).toBe(false);
    await lock.released;
    await sessionWritesSettled();
    const row = await t.db.session.findUniqueOrThrow({ where: { id } });
    // The slide went through once the lock was free.
    expect(row.lastSeenAt.getTime()).toBeGreaterThan(stale.getTime());
  });

  it("keeps queries outside a transaction out of it: no uncommitted reads, no shared rollback", async () => {
    const inTx = orgData("rolled-back");
    const outside = orgData("outside");
    let seenDuring: unknown = "not read";
    let outsideWrite: Promise<unknown> | undefined;
    let outsideDone = false;
    let outsidePendingAtRollback: boolean | undefined;
    const failed = t.db
      .$transaction(async (tx) => {
        await tx.organization.create({ data: inTx });
        seenDuring = await t.db.organization.findUnique({ where: { id: inTx.id } });
        // This write waits for the transaction's lock; it must not become part of it.
        outsideWrite = t.db.organization.create({ data: outside }).then(() => {
          outsideDone = true;
        });
        // Time for it to try (and be refused) a few times, counted in timer turns.
        await timerTurns(20);
        outsidePendingAtRollback = !outsideDone;
        throw new Error("roll back");
      })
      .catch((e: Error) => e.message);
    expect(await failed).toBe("roll back");
    await outsideWrite;
    // It waited for the transaction's lock rather than running inside it.
    expect(outsidePendingAtRollback).toBe(true);
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
    // The lock wait's pauses between tries are short timers (at most 20 ms); Prisma's own
    // transaction timers are seconds. Counted, not timed.
    const timers = vi.spyOn(globalThis, "setTimeout");
    const pauses = () => timers.mock.calls.filter(([, ms]) => typeof ms === "number" && ms > 0 && ms < 1_000).length;
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
    // Not tried again: no pause for the lock.
    expect(pauses()).toBe(0);
    timers.mockRestore();
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
    // On a fake clock: the wait's end is asserted in the clock's time, not the host's.
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    try {
      let calls = 0;
      let settled = false;
      const outcome = whenUnlocked(async () => {
        calls += 1;
        throw busy();
      }, 150)
        .catch((e: unknown) => e)
        .finally(() => {
          settled = true;
        });
      await vi.advanceTimersByTimeAsync(140);
      expect(settled).toBe(false);
      expect(calls).toBeGreaterThan(3);
      await vi.advanceTimersByTimeAsync(40);
      expect(isLockBusy(await outcome)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
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

// Raw SQL without Prisma's client (lib/db/direct.ts), on both databases: values bound as Prisma
// binds them (a row written here reads back the same through Prisma's model API, and the other
// way round), a transaction is all or nothing and gives its connection back when it fails, and
// on SQLite a direct transaction waits its turn with Prisma's transactions on the shared
// connection instead of running inside one of them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/sqlite/client";
import { direct, directTransaction } from "@/lib/db/direct";
import { type RawDate, rawBoolean, rawDate } from "@/lib/db/raw";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { seedEngineWorld } from "../helpers/engine-fixtures";

const insertAudit = (organizationId: string, id: string, at: Date) => Prisma.sql`
  INSERT INTO "AuditEvent"
    ("id", "organizationId", "actorUserId", "actorEmail", "source", "action", "targetType", "targetId", "details", "createdAt")
  VALUES (${id}, ${organizationId}, NULL, 'a@example.com', 'api', 'test', 'job', 'j', '{}', ${at})`;

describe.each(PROVIDERS)("direct SQL on %s", (provider) => {
  let t: TestDatabase;
  let organizationId: string;
  let definitionId: string;
  // pg reads a `timestamp` column as local time unless told otherwise: run away from UTC.
  const tz = process.env.TZ;

  beforeAll(async () => {
    process.env.TZ = "America/New_York";
    t = await freshDatabase(provider);
    ({ organizationId, definitionId } = await seedEngineWorld(t.db));
  });
  afterAll(async () => {
    process.env.TZ = tz;
    await t.close();
  });

  it("reads rows as Prisma's model API reads them", async () => {
    await t.db.jobDefinition.update({ where: { id: definitionId }, data: { propagateTags: true } });
    const viaPrisma = await t.db.jobDefinition.findUniqueOrThrow({ where: { id: definitionId } });
    const [row] = await direct(t.db).$queryRaw<
      { propagateTags: boolean | number; createdAt: RawDate; revision: unknown }[]
    >`
      SELECT "propagateTags", "createdAt", "revision" FROM "JobDefinition" WHERE "id" = ${definitionId}`;
    expect(row).toBeDefined();
    expect(rawBoolean(row!.propagateTags as boolean)).toBe(true);
    expect(rawDate(row!.createdAt)?.getTime()).toBe(viaPrisma.createdAt.getTime());
    expect(Number(row!.revision)).toBe(viaPrisma.revision);
  });

  it("binds dates and booleans as Prisma stores them", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    const id = newId();
    expect(await direct(t.db).$executeRaw(insertAudit(organizationId, id, at))).toBe(1);
    const stored = await t.db.auditEvent.findUniqueOrThrow({ where: { id } });
    expect(stored.createdAt.toISOString()).toBe(at.toISOString());
    // Compared in SQL against a bound Date, the stored value is equal, not merely close.
    const [hit] = await direct(t.db).$queryRaw<{ n: unknown }[]>`
      SELECT count(*) AS "n" FROM "AuditEvent" WHERE "id" = ${id} AND "createdAt" = ${at}`;
    expect(Number(hit?.n)).toBe(1);

    await direct(t.db).$executeRaw`UPDATE "JobDefinition" SET "propagateTags" = ${false} WHERE "id" = ${definitionId}`;
    const def = await t.db.jobDefinition.findUniqueOrThrow({ where: { id: definitionId } });
    expect(def.propagateTags).toBe(false);
  });

  it("commits a transaction whole, and rolls it back whole when its work throws", async () => {
    const kept = newId();
    await directTransaction(t.db, async (tx) => {
      await tx.$executeRaw(insertAudit(organizationId, kept, new Date()));
    });
    expect(await t.db.auditEvent.count({ where: { id: kept } })).toBe(1);

    const dropped = newId();
    await expect(
      directTransaction(t.db, async (tx) => {
        await tx.$executeRaw(insertAudit(organizationId, dropped, new Date()));
        throw new Error("the work fails after its write");
      }),
    ).rejects.toThrow("the work fails after its write");
    expect(await t.db.auditEvent.count({ where: { id: dropped } })).toBe(0);
  });

  it("gives the connection back after a failed statement, every time", async () => {
    // More failures than the PostgreSQL pool has connections (10): a leaked one would hang here.
    for (let i = 0; i < 12; i++) {
      await expect(
        directTransaction(t.db, (tx) => tx.$executeRaw`INSERT INTO "NoSuchTable" ("id") VALUES (${i})`),
      ).rejects.toThrow();
    }
    const id = newId();
    await directTransaction(t.db, async (tx) => {
      await tx.$executeRaw(insertAudit(organizationId, id, new Date()));
    });
    expect(await t.db.auditEvent.count({ where: { id } })).toBe(1);
  });
});

describe("direct SQL on SQLite beside Prisma", () => {
  let t: TestDatabase;
  let organizationId: string;

  beforeAll(async () => {
    t = await freshDatabase("sqlite");
    ({ organizationId } = await seedEngineWorld(t.db));
  });
  afterAll(() => t.close());

  it("waits for a Prisma transaction on the shared connection to end", async () => {
    const events: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const inPrisma = newId();
    let prismaStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      prismaStarted = resolve;
    });
    const prisma = writeTransaction(t.db, async (tx) => {
      events.push("prisma begins");
      prismaStarted();
      await gate;
      await tx.$executeRaw(insertAudit(organizationId, inPrisma, new Date()));
      events.push("prisma ends");
    });
    await started;
    const viaDirect = directTransaction(t.db, async (tx) => {
      events.push("direct begins");
      // Inside a transaction of its own: the Prisma transaction's row is committed, not pending.
      const [row] = await tx.$queryRaw<
        { n: unknown }[]
      >`SELECT count(*) AS "n" FROM "AuditEvent" WHERE "id" = ${inPrisma}`;
      events.push(`direct sees ${Number(row?.n)}`);
    });
    // Let the direct transaction run as far as it can before the gate opens.
    await new Promise((resolve) => setTimeout(resolve, 20));
    open();
    await Promise.all([prisma, viaDirect]);
    expect(events).toEqual(["prisma begins", "prisma ends", "direct begins", "direct sees 1"]);
  });
});

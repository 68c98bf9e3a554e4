// What Prisma's client costs around a raw statement, against the same statement through
// lib/db/direct.ts on the same connections: a read by key, an insert, and a write transaction
// of four statements (SubmitJob's shape: lock, two reads, an insert). Each is run N times after
// a warm-up; the two sides alternate in rounds, each first in every other round. CPU per
// operation is the process's (user + system) over the loop.
//
//   node --import tsx bench/direct-sql.ts [--n 2000] [--rounds 4] [--postgres]
import { parseArgs } from "node:util";
import { Prisma } from "@/generated/sqlite/client";
import { direct, directTransaction, type RawSql } from "@/lib/db/direct";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { openDatabase, report, run } from "./lib/harness";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "2000" },
    rounds: { type: "string", default: "4" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const ROUNDS = Number(values.rounds);

run(async () => {
  const d = await openDatabase(values.postgres);
  try {
    const { organizationId, queueId } = await seedEngineWorld(d.db);
    const read = (sql: RawSql) => sql.$queryRaw`SELECT "id", "name", "state" FROM "JobQueue" WHERE "id" = ${queueId}`;
    const insert = (sql: RawSql) =>
      sql.$executeRaw`
        INSERT INTO "AuditEvent"
          ("id", "organizationId", "actorUserId", "actorEmail", "source", "action", "targetType", "targetId", "details", "createdAt")
        VALUES (${newId()}, ${organizationId}, NULL, 'bench@example.com', 'api', 'bench', 'job', 'j', '{}', ${new Date()})`;
    const transaction = async (tx: RawSql) => {
      await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE "id" = ${organizationId}`;
      await read(tx);
      await tx.$queryRaw(
        Prisma.sql`SELECT "id" FROM "JobDefinition" WHERE "organizationId" = ${organizationId} LIMIT 1`,
      );
      await insert(tx);
    };
    const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ["read by key", () => read(d.db), () => read(direct(d.db))],
      ["insert one row", () => insert(d.db), () => insert(direct(d.db))],
      [
        "write transaction, 4 statements",
        () => writeTransaction(d.db, transaction),
        () => directTransaction(d.db, transaction),
      ],
    ];
    const rows: [string, string][] = [];
    for (const [label, viaPrisma, viaDirect] of cases) {
      const cpu = { prisma: 0, direct: 0 };
      const wall = { prisma: 0, direct: 0 };
      const measure = async (side: "prisma" | "direct", op: () => Promise<unknown>, n: number) => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await op();
        const c = process.cpuUsage(c0);
        cpu[side] += c.user + c.system;
        wall[side] += (performance.now() - t0) * 1000;
      };
      await measure("prisma", viaPrisma, 200);
      await measure("direct", viaDirect, 200);
      cpu.prisma = cpu.direct = wall.prisma = wall.direct = 0;
      const per = Math.ceil(N / ROUNDS);
      for (let r = 0; r < ROUNDS; r++) {
        if (r % 2 === 0) {
          await measure("prisma", viaPrisma, per);
          await measure("direct", viaDirect, per);
        } else {
          await measure("direct", viaDirect, per);
          await measure("prisma", viaPrisma, per);
        }
      }
      const total = per * ROUNDS;
      const us = (v: number) => `${(v / total).toFixed(0)} µs`;
      rows.push([
        label,
        `direct ${us(cpu.direct)} CPU (${us(wall.direct)} wall), Prisma ${us(cpu.prisma)} CPU (${us(wall.prisma)} wall): ${(cpu.prisma / cpu.direct).toFixed(1)}× less CPU`,
      ]);
    }
    report(`raw SQL through Prisma's client and direct (${N} each, ${ROUNDS} alternating rounds)`, rows);
  } finally {
    await d.close();
  }
});

// The statement a write transaction with lockOrganization opens with (lib/db/write-transaction.ts):
// a no-op update of the organization's row that takes SQLite's write lock, or the row lock on
// PostgreSQL. Resource, member and access-key changes run it. Baseline, in the same run: the
// statement it replaced, which set "id" — the key 13 tables' foreign keys refer to, so SQLite
// compiles all their foreign-key actions into it.
//
//   node --import tsx bench/write-lock.ts [--runs 3000] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { writeTransaction } from "@/lib/db/write-transaction";
import { createOrgWithAdmin } from "@/tests/helpers/fixtures";
import { openDatabase, pct, ratio, report, run } from "./lib/harness";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3000" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);

run(async () => {
  const bench = await openDatabase(values.postgres);
  try {
    const { organizationId } = await createOrgWithAdmin(bench.db, "Lock bench");
    /** One transaction that takes the lock and commits; its time in µs, RUNS times, interleaved. */
    const timings = { current: [] as number[], baseline: [] as number[] };
    const lockOrganization = () => writeTransaction(bench.db, { lockOrganization: organizationId }, async () => {});
    const keyUpdate = () =>
      bench.db.$transaction(
        (tx) => tx.$executeRaw`UPDATE "Organization" SET "id" = "id" WHERE "id" = ${organizationId}`,
      );
    const once = async (transaction: () => Promise<unknown>) => {
      const t0 = performance.now();
      await transaction();
      return (performance.now() - t0) * 1000;
    };
    for (let i = 0; i < 200; i++) await Promise.all([once(lockOrganization), once(keyUpdate)]);
    for (let i = 0; i < RUNS; i++) {
      timings.current.push(await once(lockOrganization));
      timings.baseline.push(await once(keyUpdate));
    }
    const us = (v: number) => `${v.toFixed(0)} µs`;
    const row = (xs: number[]) => `p50 ${us(pct(xs, 50))} / p95 ${us(pct(xs, 95))}`;
    report(`organization write lock on ${bench.provider}, ${RUNS} transactions each`, [
      ['lockOrganization (SET "name")', row(timings.current)],
      ['baseline: SET "id"', row(timings.baseline)],
      ["p50 current / baseline", ratio(pct(timings.current, 50), pct(timings.baseline, 50))],
    ]);
  } finally {
    await bench.close();
  }
});

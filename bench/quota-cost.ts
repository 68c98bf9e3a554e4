// What an organization's submit-time quotas cost a SubmitJob (lib/quotas/submit-quotas.ts):
// the same single-job submissions through the real SubmitJob (group-committed, 16 at once) by
// two organizations in one database, one without quotas (the baseline) and one whose "Jobs
// waiting" and SubmitJob rate quotas are set so high that nothing is refused: what it pays is
// the token bucket's statement and the waiting-jobs count and lock in the inserting
// transaction. The two alternate in rounds (baseline first in odd rounds), so neither gets the
// quieter or the warmer machine. Jobs stay SUBMITTED (no engine runs), as a waiting queue does.
//
//   node --import tsx bench/quota-cost.ts [--jobs 4000] [--concurrency 16] [--rounds 8]
//     [--only waiting | --only rate] [--postgres [--pg-fsync-off] | --both]
import { parseArgs } from "node:util";
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { forgetQuotas } from "@/lib/quotas/quota-cache";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { adminContext, openDatabase, ratio, report, run, runOnBothDatabases } from "./lib/harness";
import { databaseSettings } from "./lib/settings";
import { worldNames } from "./lib/submit";

runOnBothDatabases();

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "8" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
    both: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

interface Side {
  label: string;
  submit: (name: string) => Promise<unknown>;
  jobs: number;
  ms: number;
}

async function measure(side: Side, count: number, round: number) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        await side.submit(`r${round}-${i}`);
      }
    }),
  );
  side.ms += performance.now() - start;
  side.jobs += count;
}

async function main() {
  const d = await openDatabase(values.postgres);
  try {
    const free = await seedEngineWorld(d.db);
    const limited = await seedEngineWorld(d.db);
    // High enough that nothing is refused: the figure is the cost of checking, not of refusing.
    await d.db.organizationQuota.create({
      data: {
        organizationId: limited.organizationId,
        maxWaitingJobs: values.only === "rate" ? null : 1_000_000_000,
        submitRatePerSecond: values.only === "waiting" ? null : 1_000_000,
        submitBurst: values.only === "waiting" ? null : 1_000_000,
      },
    });
    forgetQuotas(d.db);
    const sideOf = async (label: string, world: typeof free): Promise<Side> => {
      const ctx = await adminContext(d.db, world.organizationId);
      const names = await worldNames(d, world);
      return {
        label,
        jobs: 0,
        ms: 0,
        submit: (jobName) =>
          submitJob(ctx, submitJobInput.parse({ jobName, jobQueue: names.queue, jobDefinition: names.definition })),
      };
    };
    const baseline = await sideOf("no quotas", free);
    const which =
      values.only === "rate"
        ? "SubmitJob rate quota"
        : values.only === "waiting"
          ? "jobs waiting quota"
          : "jobs waiting + SubmitJob rate quotas";
    const quotas = await sideOf(which, limited);
    console.log(await databaseSettings(d.db, d.provider));
    console.log(`${JOBS} single-job submissions per side, ${CONCURRENCY} at once, in ${ROUNDS} alternating rounds`);
    for (const side of [baseline, quotas]) await measure(side, 100, -1); // warm: statements prepared
    for (let r = 0; r < ROUNDS; r++) {
      const count = Math.floor(JOBS / ROUNDS);
      for (const side of r % 2 === 0 ? [baseline, quotas] : [quotas, baseline]) await measure(side, count, r);
    }
    const rate = (s: Side) => (s.jobs / s.ms) * 1000;
    const waiting = await d.db.job.count({ where: { organizationId: limited.organizationId } });
    report(`quota cost (${d.provider})`, [
      [baseline.label, `${rate(baseline).toFixed(0)} SubmitJob/s`],
      [quotas.label, `${rate(quotas).toFixed(0)} SubmitJob/s`],
      ["with quotas / without", ratio(rate(quotas), rate(baseline))],
      ["jobs the quota organization has waiting", String(waiting)],
    ]);
  } finally {
    await d.close();
  }
}

run(main);

// The long crash run (issue 6, proof 3): several thousand jobs of every kind while the engine,
// in its own process, is SIGKILLed at random moments and restarted; then every job, attempt and
// stored log line is checked (bench/lib/crash-run.ts, the same checker as the shortened run in
// tests/integration/engine-crash.test.ts).
//
//   node --import tsx bench/crash-run.ts [--jobs 6000] [--kills 20] [--provider sqlite|postgresql|both]
//                                        [--database-url postgres://…] [--seed N] [--pg-fsync-off]
//
// Default: both providers, SQLite on a temporary file and PostgreSQL on a throwaway cluster
// (scripts/lib/pg-cluster.mjs). Prints the figures and exits 1 on any violation.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { seedEngineWorld, spawnEngineProcess, stopEngineProcess } from "@/tests/helpers/engine-fixtures";
// @ts-expect-error plain ESM helper without type declarations
import { startPgCluster } from "../scripts/lib/pg-cluster.mjs";
import { checkCrashRun, crashDirs, crashWorld, runWithKills, seeded, submitCrashMix } from "./lib/crash-run";
import { databaseSettings, pgDurable } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "6000" },
    kills: { type: "string", default: "20" },
    provider: { type: "string", default: "both" },
    "database-url": { type: "string" },
    seed: { type: "string" },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});

async function run(provider: "sqlite" | "postgresql", url: string, root: string): Promise<boolean> {
  const seed = Number(values.seed ?? Date.now() % 1_000_000);
  const random = seeded(seed);
  await migrate(url);
  const db = createDb(url);
  console.log(`${provider}: ${await databaseSettings(db, provider)}`);
  const world = await seedEngineWorld(db, { maxVcpus: 16, memoryMiB: 16 * 256 });
  const dirs = crashDirs(root);
  const started = performance.now();
  const ids = await submitCrashMix({
    ...(await crashWorld(db, world, dirs)),
    dirs,
    jobs: Number(values.jobs),
    maxArray: 200,
    random,
  });
  const all = { OR: [{ id: { in: ids } }, { arrayParentId: { in: ids } }] };
  const total = await db.job.count({ where: all });
  console.log(
    `${provider}: ${total} jobs submitted (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  let engine: ReturnType<typeof spawnEngineProcess> | null = null;
  try {
    const result = await runWithKills({
      spawnEngine: (i) => {
        // Its jobs run as processes: no container runtime (and no Podman service a SIGKILL strands).
        engine = spawnEngineProcess(url, join(root, "data"), `crash-run-${provider}-${i}`, {
          BATCHDECK_CONTAINER_HOST: "none",
        });
        return engine;
      },
      kills: Number(values.kills),
      minDelayMs: 200,
      maxDelayMs: 6_000,
      random,
      busy: async (i) =>
        (await db.jobAttempt.count({ where: { engineId: `crash-run-${provider}-${i}`, stoppedAt: null } })) > 0,
      done: async () =>
        (await db.job.count({ where: { AND: [all, { status: { in: ["SUCCEEDED", "FAILED"] } }] } })) === total,
      timeoutMs: 60 * 60_000,
    });
    const wall = (performance.now() - started) / 1000;
    const f = await checkCrashRun(db, ids, dirs);
    const statuses = await db.job.groupBy({ by: ["status"], where: all, _count: true });
    console.log(
      [
        `${provider}: jobs checked ${f.jobs}`,
        `kills survived ${result.kills}`,
        `attempts ${f.attempts} (${f.hostTerminated} cut off by a kill)`,
        `log lines verified ${f.linesVerified}, log bytes verified ${f.logBytesVerified}`,
        `wall time ${wall.toFixed(1)} s`,
        `statuses ${statuses.map((s) => `${s.status} ${s._count}`).join(", ")}`,
        `violations ${f.violations.length}`,
      ].join("\n  "),
    );
    for (const v of f.violations.slice(0, 50)) console.log(`  ✗ ${v}`);
    if (result.kills < Number(values.kills)) {
      console.log(`  ✗ every job ended after ${result.kills} of ${values.kills} kills: run more jobs (--jobs)`);
    }
    return f.violations.length === 0 && result.kills === Number(values.kills);
  } finally {
    await stopEngineProcess(engine);
    await db.$disconnect();
  }
}

const providers =
  values.provider === "both" ? (["sqlite", "postgresql"] as const) : ([values.provider] as ("sqlite" | "postgresql")[]);
let ok = true;
for (const provider of providers) {
  const root = mkdtempSync(join(tmpdir(), `batchdeck-crash-run-${provider}-`));
  const cluster =
    provider === "postgresql" && !values["database-url"] ? await startPgCluster({ durable: pgDurable() }) : null;
  try {
    const url = provider === "sqlite" ? `file:${join(root, "crash.db")}` : (values["database-url"] ?? cluster!.url);
    ok = (await run(provider, url, root)) && ok;
  } finally {
    cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
process.exit(ok ? 0 : 1);

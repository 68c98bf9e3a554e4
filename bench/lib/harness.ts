// What the engine benchmarks share: a fresh migrated database (a temporary SQLite file, or a
// throwaway PostgreSQL cluster with --postgres), the engine started in-process the way
// engine/main.ts starts it, an organization context to submit through the real SubmitJob, the
// raw baselines every figure is compared with, and the final block of figures.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type EngineHandle, startEngine } from "@/engine/engine";
import type { EngineOptions } from "@/engine/options";
import type { OrgContext } from "@/lib/auth/context";
import { createDb, type Db, type Provider, providerOf } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { contextFor } from "@/tests/helpers/fixtures";
// @ts-expect-error plain ESM helper without type declarations
import { startPgCluster } from "../../scripts/lib/pg-cluster.mjs";
import { databaseSettings, engineSettings, pgDurable } from "./settings";

/** What this run ran with (database, engine), printed at the head of the final block. */
const settings: [string, string][] = [];
export const noteSetting = (name: string, value: string) => settings.push([name, value]);

export interface BenchDatabase {
  url: string;
  provider: Provider;
  db: Db;
  /** Scratch directory: the SQLite file and the engine's working directories live here. */
  dir: string;
  close(): Promise<void>;
}

/**
 * `--postgres` in argv: a throwaway PostgreSQL cluster instead of a SQLite file, with
 * PostgreSQL's durable defaults unless `--pg-fsync-off` (bench/lib/settings.ts).
 */
export const wantsPostgres = () => process.argv.includes("--postgres");

export async function openDatabase(postgres = wantsPostgres()): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  let url = `file:${join(dir, "bench.db")}`;
  let stopCluster = () => {};
  if (postgres) {
    const cluster = await startPgCluster({ durable: pgDurable() });
    stopCluster = () => cluster.stop();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("CREATE DATABASE bench");
    await admin.end();
    url = cluster.urlFor("bench");
  }
  await migrate(url);
  const db = createDb(url);
  noteSetting("database", await databaseSettings(db, providerOf(url)));
  return {
    url,
    provider: providerOf(url),
    db,
    dir,
    async close() {
      await db.$disconnect();
      stopCluster();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The engine with its production defaults (poll, flush and lease intervals) unless a benchmark
 * says otherwise; the metric sampler is off and jobs run as the current user.
 */
export async function runEngine(
  d: BenchDatabase,
  options: Partial<Omit<EngineOptions, "db" | "provider">> = {},
): Promise<EngineHandle> {
  const chosen = {
    databaseUrl: d.url,
    dataDir: d.dir,
    sampleMs: 0,
    runAsUser: null,
    // Benchmarks choose their concurrency with the environment's vCPUs, not with this machine's cores.
    vcpuOvercommit: 64,
    log: (m: string) => {
      if (m !== "leading") console.log(`[engine] ${m}`);
    },
    ...options,
  };
  noteSetting("engine", engineSettings(chosen));
  const engine = startEngine({ db: d.db, provider: d.provider, ...chosen });
  await engine.leading();
  return engine;
}

/** The organization's first admin, as SubmitJob sees a console caller. */
export async function adminContext(db: Db, organizationId: string): Promise<OrgContext> {
  const m = await db.membership.findFirstOrThrow({
    where: { organizationId, role: "admin" },
    select: { user: { select: { id: true, email: true } } },
  });
  return contextFor(db, organizationId, m.user, "admin");
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
export const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;

/** Spawns a command with piped output (as the executor does) and resolves when it has exited. */
export function spawnAndWait(command: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout.on("data", () => {});
    child.stderr.on("data", () => {});
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

/** Milliseconds from asking for a process to Node reporting it spawned; waits for its exit. */
export function spawnLatency(command: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let startedAfter = 0;
    child.once("spawn", () => {
      startedAfter = performance.now() - t0;
    });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", () => resolve(startedAfter));
  });
}

/** `n` runs of a command, `concurrency` at a time; resolves with the elapsed milliseconds. */
export async function spawnMany(command: string[], n: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await spawnAndWait(command);
    }),
  );
  return performance.now() - start;
}

/** The final block: one figure per line, aligned, easy to copy into bench/README.md. */
export function report(title: string, rows: [string, string][]) {
  rows = [...settings, ...rows];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("");
  console.log(`== ${title} ==`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

/** Runs a benchmark's main, printing a failure and exiting non-zero on error. */
export function run(main: () => Promise<void>) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * `--both` in argv: runs this benchmark again as a child process on SQLite, then on PostgreSQL
 * (`--postgres`), each printing its own settings and figures, and exits non-zero if either
 * failed. Returns (doing nothing) without `--both`.
 */
export function runOnBothDatabases() {
  if (!process.argv.includes("--both")) return;
  const args = process.argv.slice(2).filter((a) => a !== "--both" && a !== "--postgres");
  let failed = false;
  for (const extra of [[], ["--postgres"]]) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...args, ...extra], {
      stdio: "inherit",
    });
    if (r.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

// Batchdeck's processes as `npm start` runs them, for benchmarks that measure them from
// outside: the production web server (`node --import tsx/esm server/web-server.ts`, NODE_ENV
// production) and the engine (`node --import tsx engine/main.ts`, its own defaults), each a
// process of its own on the benchmark's database. The command lines and environments are those
// of scripts/lib/processes.mjs (startWeb, startEngine); its supervisor itself is not used: it
// hides its children's pids, restarts an engine that dies (a benchmark must fail instead) and
// exits the whole process when it stops.
//
// Every process started here is stopped when the benchmark ends, fails, or is interrupted
// (SIGINT/SIGTERM: SIGTERM to each, SIGKILL after a grace; at exit: SIGKILL to any left), and
// so is anything registered with onCleanup (the throwaway database).
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BatchClient } from "@aws-sdk/client-batch";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { Db } from "@/lib/db";
import type { Health } from "@/lib/health";
// @ts-expect-error plain ESM helper without type declarations
import { buildIfStale } from "../../scripts/lib/build.mjs";
import { waitHealthy } from "./console-http";
import { adminContext, type BenchDatabase, sleep } from "./harness";
import { engineSettings } from "./settings";

export { waitHealthy };

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

// One secret key for the benchmark and every process it starts: an access key the benchmark
// creates is sealed with it and the web server must open it (PostgreSQL requires one anyway,
// scripts/start-prod.mjs). Set when this module loads, before the benchmark seals anything
// (lib/env.ts caches the settings at their first read).
process.env.BATCHDECK_SECRET_KEY ??= Buffer.alloc(32, 7).toString("base64");

/** The console's production build, built first when any of its inputs is newer (as npm start does). */
export function ensureBuilt() {
  if (buildIfStale(root)) console.log("built the console");
}

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The process's last lines of output, for a failure's message. */
  tail(): string;
  running(): boolean;
}

const managed = new Set<Managed>();
const cleanups: (() => void | Promise<void>)[] = [];

/** Runs at the end however it comes (stopAll, a failure, Ctrl-C), after the processes have stopped. */
export function onCleanup(fn: () => void | Promise<void>) {
  cleanups.push(fn);
}

let handlersInstalled = false;
function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the processes`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  // Last resort (an uncaught error, process.exit from elsewhere): nothing outlives the benchmark.
  process.on("exit", () => {
    for (const m of managed) if (m.running()) m.child.kill("SIGKILL");
  });
}

function manage(name: string, child: ChildProcess): Managed {
  installHandlers();
  const lines: string[] = [];
  const collect = (data: Buffer) => {
    for (const line of data.toString().split("\n")) {
      if (line.trim() === "") continue;
      lines.push(line.slice(0, 1000));
      if (lines.length > 40) lines.shift();
      // Route handlers and the engine log failures as JSON with level "error" (or "warn").
      if (/"level":"(error|warn)"|Error:|⨯/.test(line)) process.stderr.write(`[${name}] ${line.slice(0, 1000)}\n`);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const m: Managed = {
    name,
    child,
    pid: child.pid,
    tail: () => lines.join("\n"),
    running: () => child.exitCode === null && child.signalCode === null,
  };
  managed.add(m);
  child.once("exit", () => managed.delete(m));
  return m;
}

/** What every process gets: the database, a data folder of the benchmark's own, the secret key. */
/** The operator's token of the benchmarks' servers: /api/health names the leader only for it. */
const METRICS_TOKEN = "bench-operator-metrics-token";

function baseEnv(d: BenchDatabase): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: d.url, BATCHDECK_DATA_DIR: d.dir, BATCHDECK_METRICS_TOKEN: METRICS_TOKEN };
}

/** The production web server (scripts/lib/processes.mjs startWeb), on 127.0.0.1:port. */
export function startWebServer(d: BenchDatabase, port: number): Managed {
  const child = spawn(process.execPath, ["--import", "tsx/esm", "server/web-server.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...baseEnv(d), NODE_ENV: "production", PORT: String(port), HOSTNAME: "127.0.0.1" },
  });
  return manage("web", child);
}

/**
 * The engine (scripts/lib/processes.mjs startEngine) with its production defaults, named
 * `engineId` (BATCHDECK_ENGINE_ID, as /api/health reports the leader), without a container
 * runtime (BATCHDECK_CONTAINER_HOST=none: no Podman service is started or probed; the
 * benchmarks' environments use the process executor).
 */
export function startEngineProcess(d: BenchDatabase, engineId: string, env: Record<string, string> = {}): Managed {
  const child = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...baseEnv(d), BATCHDECK_ENGINE_ID: engineId, BATCHDECK_CONTAINER_HOST: "none", ...env },
  });
  return manage(engineId, child);
}

/** How the engine processes run, for the settings line (their defaults, resolved as main.ts resolves them). */
export function engineProcessSettings(d: BenchDatabase): string {
  return `engine/main.ts, ${engineSettings({ dataDir: d.dir })}, container runtime none (BATCHDECK_CONTAINER_HOST=none)`;
}

/** Stops every process started here (SIGTERM, SIGKILL after `graceMs`), then runs the cleanups. */
export async function stopAll(graceMs = 15_000) {
  await Promise.all(
    [...managed].map(async (m) => {
      if (!m.running()) return;
      const exited = new Promise((r) => m.child.once("exit", r));
      m.child.kill("SIGTERM");
      const timer = setTimeout(() => m.child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error(error);
    }
  }
}

export async function readHealth(base: string): Promise<Health> {
  const r = await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!r.ok) throw new Error(`GET /api/health: HTTP ${r.status}`);
  return (await r.json()) as Health;
}

/**
 * Waits until GET /api/health reports `engine` leading with a fresh heartbeat; fails if it does
 * not within `timeoutMs` or an engine process exits. Returns the health seen.
 */
export async function waitLeading(base: string, engine: Managed, timeoutMs = 60_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last: Health | null = null;
  for (;;) {
    if (!engine.running()) throw new Error(`${engine.name} exited before leading:\n${engine.tail()}`);
    last = await readHealth(base).catch(() => last);
    if (last?.engine.status === "ok" && last.engine.leader === engine.name) return last;
    if (Date.now() > deadline) {
      throw new Error(`${engine.name} not reported leading after ${timeoutMs} ms: ${JSON.stringify(last?.engine)}`);
    }
    await sleep(250);
  }
}

/** The job's status and times as the engine wrote them. */
export function jobTimes(db: Db, id: string) {
  return db.job.findUniqueOrThrow({
    where: { id },
    select: {
      status: true,
      statusReason: true,
      startedAt: true,
      stoppedAt: true,
      attempts: { select: { startedAt: true }, take: 1 },
    },
  });
}

/**
 * An AWS SDK client of /v1 signing with a new access key of the organization's admin (created as
 * bench/api-submit.ts creates one), without retries: a retried request would time two.
 */
export async function v1Client(d: BenchDatabase, organizationId: string, base: string): Promise<BatchClient> {
  const key = await createAccessKey(await adminContext(d.db, organizationId), { description: "bench" });
  return new BatchClient({
    endpoint: base,
    region: "us-east-1",
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: 1,
  });
}

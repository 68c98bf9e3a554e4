#!/usr/bin/env node
// `npm start`: install what is missing, generate the database clients, apply migrations, create
// the first admin, build, and serve the console. Everything here uses only Node's standard
// library until the dependencies are installed.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./lib/build.mjs";
import { run } from "./lib/run.mjs";
import { ensureClients, ensureDependencies } from "./lib/setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

ensureDependencies(root);
await ensureClients(root);
run(join(root, "node_modules/.bin/tsx"), ["scripts/prepare.ts"], { cwd: root });
buildIfStale(root);

const port = process.env.PORT ?? "3000";
const host = process.env.HOSTNAME ?? "0.0.0.0";
const children = new Set();

function startWeb() {
  const web = spawn(process.execPath, ["scripts/web-server.mjs"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production", PORT: port, HOSTNAME: host },
  });
  children.add(web);
  web.on("exit", (code, signal) => {
    children.delete(web);
    console.error(`[batchdeck] the web server stopped (${signal ?? code}); shutting down`);
    shutdown(code ?? 1);
  });
}

// The engine runs beside the web server and is restarted with backoff if it dies: it
// recovers on start (orphaned attempts are recorded as host-terminated and retried), so a
// restart loses nothing. `node --import tsx` keeps it one process, so signals reach it.
let engineBackoffMs = 1_000;
function startEngine() {
  const startedAt = Date.now();
  const engine = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  children.add(engine);
  engine.on("exit", (code, signal) => {
    children.delete(engine);
    if (stopping) return;
    if (Date.now() - startedAt > 60_000) engineBackoffMs = 1_000;
    console.error(
      `[batchdeck] the engine stopped (${signal ?? code}); restarting it in ${Math.round(engineBackoffMs / 1000)} s`,
    );
    setTimeout(() => {
      if (!stopping) startEngine();
    }, engineBackoffMs);
    engineBackoffMs = Math.min(engineBackoffMs * 2, 30_000);
  });
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5_000).unref();
  if (children.size === 0) process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

startWeb();
startEngine();
const shownHost = host === "0.0.0.0" ? "localhost" : host;
console.log(`
[batchdeck] console: http://${shownHost}:${port}
[batchdeck] sign in as ${process.env.BATCHDECK_ADMIN_EMAIL ?? "admin@batchdeck.local"} with ${
  process.env.BATCHDECK_ADMIN_PASSWORD ? "BATCHDECK_ADMIN_PASSWORD" : "the password printed above on first run"
}
`);

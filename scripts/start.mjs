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
  const web = spawn(join(root, "node_modules/.bin/next"), ["start", "-p", port, "-H", host], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  children.add(web);
  web.on("exit", (code, signal) => {
    children.delete(web);
    console.error(`[batchdeck] the web server stopped (${signal ?? code}); shutting down`);
    shutdown(code ?? 1);
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
const shownHost = host === "0.0.0.0" ? "localhost" : host;
console.log(`
[batchdeck] console: http://${shownHost}:${port}
[batchdeck] sign in as ${process.env.BATCHDECK_ADMIN_EMAIL ?? "admin@batchdeck.local"} with ${
  process.env.BATCHDECK_ADMIN_PASSWORD ? "BATCHDECK_ADMIN_PASSWORD" : "the password printed above on first run"
}
`);

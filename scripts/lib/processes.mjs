// The processes Batchdeck serves with, shared by `npm start` (scripts/start.mjs) and
// `npm run start:prod` (scripts/start-prod.mjs): the web server (server/web-server.ts), and the
// engine restarted with backoff when it dies. The supervisor forwards SIGTERM/SIGINT to its
// children and exits when the web server stops.
import { spawn } from "node:child_process";

/** Which processes an instance runs: `web`, `engine`, or both (comma-separated). */
export const PROCESS_KINDS = ["web", "engine"];

export function parseProcesses(value) {
  const raw = value === undefined || value.trim() === "" ? "web,engine" : value;
  const kinds = raw.split(",").map((s) => s.trim());
  const unknown = kinds.filter((k) => !PROCESS_KINDS.includes(k));
  if (unknown.length || kinds.length === 0 || new Set(kinds).size !== kinds.length) {
    throw new Error(`BATCHDECK_PROCESSES must be web, engine or web,engine (each at most once); got "${value}"`);
  }
  return new Set(kinds);
}

export function createSupervisor({ root, env = process.env, log = (m) => console.error(`[batchdeck] ${m}`) }) {
  const children = new Set();
  let stopping = false;

  function shutdown(code) {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill("SIGTERM");
    setTimeout(() => process.exit(code), 5_000).unref();
    if (children.size === 0) process.exit(code);
    else {
      // Exit as soon as every child has gone.
      const check = setInterval(() => {
        if (children.size === 0) process.exit(code);
      }, 50);
      check.unref();
    }
  }

  function startWeb({ port, host }) {
    // Our HTTP server in front of Next's handler (it rewrites X-Forwarded-For and paces
    // requests, see there): TypeScript run through tsx as the engine is, one process so signals
    // reach it, with only tsx's ESM half (why: server/web-server.ts, "Start-up").
    const web = spawn(process.execPath, ["--import", "tsx/esm", "server/web-server.ts"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...env, NODE_ENV: "production", PORT: String(port), HOSTNAME: host },
    });
    children.add(web);
    web.on("exit", (code, signal) => {
      children.delete(web);
      if (stopping) return;
      log(`the web server stopped (${signal ?? code}); shutting down`);
      shutdown(code ?? 1);
    });
  }

  // The engine recovers on start (orphaned attempts are recorded as host-terminated and
  // retried), so a restart loses nothing. `node --import tsx` keeps it one process, so signals
  // reach it. The backoff doubles up to 30 s and resets once an engine has lived a minute.
  let engineBackoffMs = 1_000;
  function startEngine(extraEnv = {}) {
    const startedAt = Date.now();
    const engine = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...env, ...extraEnv },
    });
    children.add(engine);
    engine.on("exit", (code, signal) => {
      children.delete(engine);
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) engineBackoffMs = 1_000;
      log(`the engine stopped (${signal ?? code}); restarting it in ${Math.round(engineBackoffMs / 1000)} s`);
      setTimeout(() => {
        if (!stopping) startEngine(extraEnv);
      }, engineBackoffMs);
      engineBackoffMs = Math.min(engineBackoffMs * 2, 30_000);
    });
  }

  process.on("SIGINT", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));
  return { startWeb, startEngine, shutdown };
}

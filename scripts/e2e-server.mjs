#!/usr/bin/env node
// The server the end-to-end specs run against: the production build, a fresh SQLite database
// in a temporary folder, a known first admin, and sign-up enabled so specs can create a second
// organization; the engine runs beside the web server. Removed when the process ends.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { removeContainersOfHost, stopPodmanService } from "./lib/container-cleanup.mjs";
import { run } from "./lib/run.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "batchdeck-e2e-"));
const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  // E2E_DATABASE_URL: an empty PostgreSQL database instead (bench/console-load.ts --postgres).
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? `file:${join(dir, "e2e.db")}`,
  BATCHDECK_DATA_DIR: dir,
  BATCHDECK_ADMIN_EMAIL: "admin@e2e.test",
  BATCHDECK_ADMIN_PASSWORD: "e2e-admin-password",
  BATCHDECK_SIGNUP: "true",
  // The admin's access key, so specs seed queues, definitions and jobs through /v1 (e2e/api.ts)
  // when the page under test is not the one that creates them.
  BATCHDECK_ADMIN_ACCESS_KEY_ID: "AKIAE2EADMIN0000TEST",
  BATCHDECK_ADMIN_SECRET_ACCESS_KEY: "e2e-admin-secret-access-key-0000000000",
  PORT: process.env.E2E_PORT ?? "3217",
  // Labels this server's containers, so stopping it removes them (scripts/lib/container-cleanup.mjs).
  BATCHDECK_HOST_ID: `e2e-${dir.split("-").at(-1)}`,
  // The operator's token: /api/metrics and the leader's details in /api/health (e2e/helpers.ts).
  BATCHDECK_METRICS_TOKEN: "e2e-operator-metrics-token",
};

run(join(root, "node_modules/.bin/tsx"), ["scripts/prepare.ts"], { cwd: root, env });
const children = [
  // One trusted proxy: a spec may act as a client at another address by sending the
  // X-Forwarded-For a proxy would (the sign-in limit per address is tested that way).
  spawn(process.execPath, ["--import", "tsx/esm", "server/web-server.ts"], {
    cwd: root,
    env: { ...env, HOSTNAME: "127.0.0.1", BATCHDECK_TRUSTED_PROXIES: "1" },
    stdio: "inherit",
  }),
  // The engine, so specs can watch jobs really run. Short poll for snappy specs.
  spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    env: {
      ...env,
      BATCHDECK_ENGINE_KILL_GRACE_MS: "2000",
      // Specs run side by side on one engine, each with environments that together promise
      // more vCPUs than a 2-core CI machine has; the engine holds them all to cores × this.
      BATCHDECK_VCPU_OVERCOMMIT: process.env.BATCHDECK_VCPU_OVERCOMMIT ?? "128",
      BATCHDECK_ENGINE_SAMPLE_MS: "1000",
      BATCHDECK_ENGINE_AWS_SAMPLE_MS: "1000",
    },
    stdio: "inherit",
  }),
];

function cleanup() {
  for (const child of children) child.kill("SIGTERM");
  removeContainersOfHost(env.BATCHDECK_HOST_ID);
  stopPodmanService(dir);
  rmSync(dir, { recursive: true, force: true });
}
process.on("SIGTERM", () => {
  cleanup();
  process.exit(0);
});
process.on("SIGINT", () => {
  cleanup();
  process.exit(0);
});
for (const child of children) {
  child.on("exit", (code) => {
    cleanup();
    process.exit(code ?? 1);
  });
}

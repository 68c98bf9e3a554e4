#!/usr/bin/env node
// The hosted topology the end-to-end specs also run against: a throwaway PostgreSQL cluster,
// and two instances of `npm run start:prod` (scripts/start-prod.mjs), each a web server and an
// engine, as two machines would run them. Instance A prepares the database (migrations, first
// admin, the admin's access key); instance B starts with BATCHDECK_PREPARE=false once A
// answers. One engine leads and the other waits as a live standby. Both web servers share the
// secret key, and serve the same build (so the same server-action key and build id).
// Playwright's projects "hosted-a" and "hosted-b" share the suite between the two web servers
// (playwright.config.ts): every spec passes through one of them.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { removeContainersOfHost, stopPodmanService } from "./lib/container-cleanup.mjs";
import { startPgCluster } from "./lib/pg-cluster.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const portA = process.env.E2E_HOSTED_PORT_A ?? "3218";
const portB = process.env.E2E_HOSTED_PORT_B ?? "3219";
const dir = mkdtempSync(join(tmpdir(), "batchdeck-e2e-hosted-"));
const log = (m) => console.log(`[e2e-hosted] ${m}`);

const pg = await startPgCluster();
const children = [];
let cleaning = false;

async function cleanup(code) {
  if (cleaning) return;
  cleaning = true;
  // The supervisors pass SIGTERM on to their web server and engine and exit when they have.
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", resolve);
          child.kill("SIGTERM");
          setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 8_000).unref();
        }),
    ),
  );
  removeContainersOfHost(shared.BATCHDECK_HOST_ID);
  for (const name of ["a", "b"]) stopPodmanService(join(dir, name));
  pg.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on("SIGTERM", () => void cleanup(0));
process.on("SIGINT", () => void cleanup(0));

const shared = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  HOSTNAME: "127.0.0.1",
  // One trusted proxy, as in scripts/e2e-server.mjs: specs may play clients at other addresses.
  BATCHDECK_TRUSTED_PROXIES: "1",
  // One machine: both engines share its name, and stopping this server removes its containers.
  BATCHDECK_HOST_ID: `e2e-hosted-${dir.split("-").at(-1)}`,
  // The operator's token: /api/metrics and the leader's details in /api/health (e2e/helpers.ts).
  BATCHDECK_METRICS_TOKEN: "e2e-operator-metrics-token",
  DATABASE_URL: pg.url,
  // The same on every instance: each must open what another sealed.
  BATCHDECK_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
  BATCHDECK_ADMIN_EMAIL: "admin@e2e.test",
  BATCHDECK_ADMIN_PASSWORD: "e2e-admin-password",
  BATCHDECK_SIGNUP: "true",
  BATCHDECK_ADMIN_ACCESS_KEY_ID: "AKIAE2EADMIN0000TEST",
  BATCHDECK_ADMIN_SECRET_ACCESS_KEY: "e2e-admin-secret-access-key-0000000000",
  BATCHDECK_PROCESSES: "web,engine",
  BATCHDECK_ENGINE_KILL_GRACE_MS: "2000",
  // Specs run side by side on these engines, each with environments that together promise more
  // vCPUs than a 2-core CI machine has; the engine holds them all to cores × this.
  BATCHDECK_VCPU_OVERCOMMIT: process.env.BATCHDECK_VCPU_OVERCOMMIT ?? "128",
  BATCHDECK_ENGINE_SAMPLE_MS: "1000",
  BATCHDECK_ENGINE_AWS_SAMPLE_MS: "1000",
};

function startInstance(name, port, extra) {
  const dataDir = join(dir, name);
  const child = spawn(process.execPath, ["scripts/start-prod.mjs"], {
    cwd: root,
    env: { ...shared, PORT: port, BATCHDECK_DATA_DIR: dataDir, BATCHDECK_ENGINE_ID: `e2e-engine-${name}`, ...extra },
    stdio: "inherit",
  });
  child.on("exit", (code, signal) => {
    if (cleaning) return;
    log(`instance ${name} stopped (${signal ?? code})`);
    void cleanup(1);
  });
  children.push(child);
}

async function health(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

async function waitFor(what, probe, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      log(`timed out waiting for ${what}`);
      return cleanup(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

startInstance("a", portA, {});
await waitFor("instance a", () => health(portA));
startInstance("b", portB, { BATCHDECK_PREPARE: "false" });
const ready = await waitFor("instance b and a leading engine", async () => {
  const h = await health(portB);
  return h?.engine.status === "ok" ? h : null;
});
log(`web servers on ${portA} and ${portB}; an engine leads (heartbeat ${ready.engine.ageSeconds} s ago)`);

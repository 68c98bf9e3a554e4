#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// `npm test`: every test, with its own setup. Installs what is missing (system packages when run
// as root, npm dependencies, Prisma clients), then runs lint, type check, unit and integration
// tests on real SQLite and a throwaway PostgreSQL, the production build, and the end-to-end specs
// in Debian's Chromium. Every step runs even when an earlier one fails, so one run reports all;
// the exit code is non-zero if any failed. The last line is "N passed, N failed", each test counted
// once, then the steps that failed outside any test ("; steps failed: …"; scripts/lib/test-summary.mjs).
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./lib/build.mjs";
import { findPgBin } from "./lib/pg-cluster.mjs";
import { have, runAsync } from "./lib/run.mjs";
import { ensureClients, ensureDependencies } from "./lib/setup.mjs";
import { fromPlaywrightJson, summarize } from "./lib/test-summary.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function ensureSystemPackages() {
  const missing = [];
  if (!existsSync(chromium)) missing.push("chromium");
  if (!findPgBin("initdb")) missing.push("postgresql");
  // The real AWS CLI drives the /v1 API in the integration tests.
  if (!have("aws")) missing.push("awscli");
  // The container executor's tests run jobs in images built locally with Podman, on runc (crun,
  // Podman's default, fails on cgroup v1 hybrid hosts), from Debian's static busybox.
  if (!existsSync("/usr/bin/podman")) missing.push("podman");
  if (!have("runc")) missing.push("runc");
  if (!existsSync("/usr/bin/busybox") && !existsSync("/bin/busybox")) missing.push("busybox-static");
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !have("apt-get")) {
    throw new Error(`missing system packages: ${missing.join(", ")} (install them with your package manager)`);
  }
  console.log(`[test] installing ${missing.join(", ")} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const r = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
}

ensureSystemPackages();
ensureDependencies(root);
await ensureClients(root);
rmSync(join(root, "test-results"), { recursive: true, force: true });
mkdirSync(join(root, "test-results"), { recursive: true });

const bin = (name) => join(root, "node_modules/.bin", name);
const results = [];

// `report` reads the step's test report once it ran (null when there is none); steps without
// tests have none.
async function step(name, fn, report) {
  const started = Date.now();
  console.log(`\n[test] ── ${name} ──`);
  let ok = false;
  try {
    ok = await fn();
  } catch (error) {
    console.error(`[test] ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name, ok, seconds, ...(report ? { report: readReport(report) } : {}) });
  console.log(`[test] ${name}: ${ok ? "ok" : "FAILED"} (${seconds}s)`);
}

function readReport(report) {
  const file = join(root, report.file);
  if (!existsSync(file)) return null;
  try {
    const json = JSON.parse(readFileSync(file, "utf8"));
    return report.parse ? report.parse(json) : json;
  } catch {
    return null;
  }
}

const exec = async (cmd, args, env = {}) =>
  (await runAsync(cmd, args, { cwd: root, env: { ...process.env, ...env } })).code === 0;

await step("lint and format (biome)", () => exec(bin("biome"), ["check", "."]));
await step("type check (tsc)", () => exec(bin("tsc"), ["--noEmit"]));
await step(
  "unit and integration (vitest: SQLite and PostgreSQL)",
  () =>
    exec(bin("vitest"), [
      "run",
      "--reporter=default",
      "--reporter=./scripts/lib/vitest-summary-reporter.mjs",
      "--outputFile.summary=test-results/vitest-summary.json",
    ]),
  { file: "test-results/vitest-summary.json" },
);
await step("production build (next build)", async () => {
  buildIfStale(root);
  return true;
});
// The console under load, shortened (the full run is `npm run bench:console-load`): browsers
// following live logs and polling the job list while /v1 clients submit; fails on any error,
// lost or repeated line. One timed request per page, and streams that last a minute, so the
// page timing under load ends while the load still runs even on a slow machine (pages take
// seconds each under this load on 2 cores).
await step("console under load (bench/console-load.ts, 16 browsers)", () =>
  exec(process.execPath, [
    "--import",
    "tsx",
    "bench/console-load.ts",
    "--browsers",
    "16",
    "--sessions",
    "4",
    "--submitters",
    "4",
    "--seconds",
    "60",
    "--page-requests",
    "1",
  ]),
);
await step(
  "end to end (Playwright in Chromium: SQLite, then the hosted topology through web servers A and B)",
  () => exec(bin("playwright"), ["test"], { CHROMIUM_PATH: chromium }),
  { file: "test-results/e2e.json", parse: fromPlaywrightJson },
);

console.log("\n[test] summary");
for (const r of results) console.log(`  ${r.ok ? "ok    " : "FAILED"} ${r.name} (${r.seconds}s)`);
const summary = summarize(results);
console.log("");
for (const line of summary.lines) console.log(line);
process.exit(summary.exitCode);

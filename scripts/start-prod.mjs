#!/usr/bin/env node
// `npm run start:prod`: serve an existing build, for hosted deployments. Nothing is installed or
// built here (run `npm run build` first, on every machine or once and copied); a missing or
// stale build, or clients that do not match the schema, stop it with a message. It applies
// migrations and creates the first admin (scripts/prepare.ts) unless BATCHDECK_PREPARE=false,
// then runs the processes BATCHDECK_PROCESSES names, so N web servers and M engines can be
// placed on different machines against one PostgreSQL.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildStatus } from "./lib/build.mjs";
import { clientsCurrent } from "./lib/generate.mjs";
import { createSupervisor, parseProcesses } from "./lib/processes.mjs";
import { run } from "./lib/run.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

function fail(message) {
  console.error(`[batchdeck] ${message}`);
  process.exit(1);
}

function flag(name, fallback) {
  const value = (process.env[name] ?? "").trim().toLowerCase();
  if (value === "") return fallback;
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  fail(`${name} must be true or false; got "${process.env[name]}"`);
}

let processes;
try {
  processes = parseProcesses(process.env.BATCHDECK_PROCESSES);
} catch (error) {
  fail(error.message);
}
const prepare = flag("BATCHDECK_PREPARE", true);
const databaseUrl = process.env.DATABASE_URL ?? "";

if (!existsSync(join(root, "node_modules/.bin/next"))) {
  fail("the dependencies are not installed: run `npm run build` first");
}
if (!clientsCurrent(root)) {
  fail("the database clients do not match prisma/schema.prisma: run `npm run build` first");
}
if (processes.has("web")) {
  const status = buildStatus(root);
  if (status === "missing") fail("there is no build in .next: run `npm run build` first");
  if (status === "stale") {
    fail("the build in .next is older than the source (app, components, lib, …): run `npm run build` again");
  }
}
// Every instance must open the secrets the others sealed: a key generated into one machine's
// data folder would not be on the next one.
if (/^postgres(ql)?:\/\//.test(databaseUrl) && !process.env.BATCHDECK_SECRET_KEY) {
  fail(
    "BATCHDECK_SECRET_KEY is required with a PostgreSQL DATABASE_URL: every web server and engine must use the same key",
  );
}

if (prepare) run(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], { cwd: root });

const supervisor = createSupervisor({ root });
const port = process.env.PORT ?? "3000";
const host = process.env.HOSTNAME ?? "0.0.0.0";
if (processes.has("web")) supervisor.startWeb({ port, host });
if (processes.has("engine")) supervisor.startEngine();
console.log(
  `[batchdeck] serving: ${[...processes].join(" and ")}${processes.has("web") ? ` on http://${host}:${port}` : ""}`,
);

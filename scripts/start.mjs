#!/usr/bin/env node
// `npm start`: install what is missing, generate the database clients, apply migrations, create
// the first admin, build, and serve the console. Everything here uses only Node's standard
// library until the dependencies are installed.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./lib/build.mjs";
import { createSupervisor } from "./lib/processes.mjs";
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
const supervisor = createSupervisor({ root });
supervisor.startWeb({ port, host });
supervisor.startEngine();
const shownHost = host === "0.0.0.0" ? "localhost" : host;
console.log(`
[batchdeck] console: http://${shownHost}:${port}
[batchdeck] sign in as ${process.env.BATCHDECK_ADMIN_EMAIL ?? "admin@batchdeck.local"} with ${
  process.env.BATCHDECK_ADMIN_PASSWORD
    ? "BATCHDECK_ADMIN_PASSWORD"
    : "the password printed above on first run (data/first-admin-password when not on a terminal)"
}
`);

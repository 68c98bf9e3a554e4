#!/usr/bin/env node
// `npm run build`: install, generate the database clients and build the console, without
// starting anything (for images and hosted deployments).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "./lib/build.mjs";
import { ensureClients, ensureDependencies } from "./lib/setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
ensureDependencies(root);
await ensureClients(root);
buildIfStale(root, { force: true });

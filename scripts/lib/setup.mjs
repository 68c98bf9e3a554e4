// What both `npm start` and `npm test` do before anything else: make node_modules match the
// lockfile and the Prisma clients match the schema. Each step is skipped when already done.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run.mjs";

export function ensureDependencies(root) {
  const lock = join(root, "package-lock.json");
  const stampFile = join(root, "node_modules/.batchdeck-lock-hash");
  const hash = createHash("sha256")
    .update(readFileSync(lock))
    .update(readFileSync(join(root, "package.json")))
    .digest("hex");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash) return;
  console.log(
    "[batchdeck] installing dependencies (npm install; the first run compiles better-sqlite3, a few minutes)…",
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root });
  writeFileSync(stampFile, hash);
}

export async function ensureClients(root) {
  const { generateClients } = await import("./generate.mjs");
  if (generateClients(root)) console.log("[batchdeck] generated the Prisma clients");
}

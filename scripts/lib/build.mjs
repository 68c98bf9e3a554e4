// Builds the Next.js app when any input is newer than the last build.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run.mjs";

const INPUTS = [
  "app",
  "components",
  "lib",
  "generated",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** "missing" (never built), "stale" (an input changed since) or "current". */
export function buildStatus(root) {
  const marker = join(root, ".next/BUILD_ID");
  if (!existsSync(marker)) return "missing";
  const inputs = Math.max(...INPUTS.map((p) => newestMtime(join(root, p))));
  return statSync(marker).mtimeMs > inputs ? "current" : "stale";
}

export function buildIfStale(root, { force = false } = {}) {
  if (!force && buildStatus(root) === "current") return false;
  console.log("[batchdeck] building the console (next build)…");
  run(join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  return true;
}

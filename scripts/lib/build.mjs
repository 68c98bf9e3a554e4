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

export function buildIfStale(root, { force = false } = {}) {
  const marker = join(root, ".next/BUILD_ID");
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const inputs = Math.max(...INPUTS.map((p) => newestMtime(join(root, p))));
  if (!force && built > inputs) return false;
  console.log("[batchdeck] building the console (next build)…");
  run(join(root, "node_modules/.bin/next"), ["build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  return true;
}

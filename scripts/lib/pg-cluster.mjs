// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, start
// on a free loopback port, hand back a URL, and remove everything on stop. PostgreSQL refuses to
// run as root, so as root the cluster runs as the `postgres` system user (created by the Debian
// package that .ci/run and scripts/test.mjs install).
//
// Tests run it without durability (fsync, synchronous_commit and full_page_writes off: nothing
// waits for the disk); `durable: true` keeps PostgreSQL's defaults, as a server Batchdeck runs
// on has them, for benchmarks whose figures should say what a user gets.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function findPgBin(name) {
  const onPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath;
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    for (const version of readdirSync(base).sort().reverse()) {
      const candidate = join(base, version, "bin", name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The settings that make a test cluster fast and not durable. */
export const NOT_DURABLE = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

export async function startPgCluster({ durable = false } = {}) {
  const initdb = findPgBin("initdb");
  const pgCtl = findPgBin("pg_ctl");
  if (!initdb || !pgCtl) throw new Error("PostgreSQL server binaries not found (apt-get install -y postgresql)");
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  let uid;
  let gid;
  if (asRoot) {
    if (spawnSync("id", ["-u", "postgres"], { stdio: "ignore" }).status !== 0) {
      execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    }
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const opts = { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...(asRoot ? { uid, gid } : {}) };
  const init = spawnSync(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], opts);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    ...(durable ? [] : NOT_DURABLE.map((setting) => `-c ${setting}`)),
    "-c max_connections=300",
  ].join(" ");
  const start = spawnSync(pgCtl, ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "-t", "60", "start"], opts);
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr || start.stdout}`);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    urlFor: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      spawnSync(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"], opts);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Finding the host's container runtime for the container executor: a socket that speaks the
// Docker Engine API, from BATCHDECK_CONTAINER_HOST, Docker's usual socket, or a Podman service
// this engine starts. The service is started detached (its own session, output to a file) so it
// outlives an engine that is SIGKILLed, and containers it started keep being reachable; a
// restarted engine finds it on the same socket and reuses it.
import { type ChildProcess, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { delimiter, join } from "node:path";
import { processAlive } from "../processes";
import { DockerApi, type DockerVersion } from "./docker-api";

export interface ContainerRuntime {
  kind: "podman" | "docker";
  socketPath: string;
  /** e.g. "4.3.1" */
  version: string;
  api: DockerApi;
  /** Where the runtime writes a container's log and in which format: Podman's k8s-file honours a path we choose; Docker's json-file is at inspect.LogPath. */
  logFormat: "k8s-file" | "json-file";
  /** The engine's hard limits (and the Podman service's, where known): ulimits above them fail with Podman+runc here. */
  ulimitCeiling: { nofile: number; nproc: number };
  /** Stops the Podman service this engine started (none when it reused one or uses Docker). */
  close(): void;
}

export type RuntimeLookup = { runtime: ContainerRuntime } | { runtime: null; reason: string };

export interface FindRuntimeOptions {
  dataDir: string;
  /** BATCHDECK_CONTAINER_HOST: "none", or "unix:///path.sock". */
  setting?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Where to look for podman and runc; default $PATH. */
  searchPath?: string;
  /** Docker's socket; default /var/run/docker.sock. */
  dockerSocket?: string;
}

const DOCKER_SOCKET = "/var/run/docker.sock";
const START_TIMEOUT_MS = 10_000;
/** sockaddr_un.sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export const NO_RUNTIME_REASON =
  "no container runtime: install podman (and runc) or Docker, or set BATCHDECK_CONTAINER_HOST";

export async function findContainerRuntime(options: FindRuntimeOptions): Promise<RuntimeLookup> {
  const log = options.log ?? (() => {});
  const setting = options.setting?.trim();
  if (setting === "none")
    return { runtime: null, reason: "container runtime disabled (BATCHDECK_CONTAINER_HOST=none)" };
  if (setting) {
    if (!setting.startsWith("unix://")) {
      return {
        runtime: null,
        reason: `BATCHDECK_CONTAINER_HOST=${setting} is not supported: use unix:///path/to/socket, or none`,
      };
    }
    const socketPath = setting.slice("unix://".length);
    try {
      return { runtime: await connect(socketPath, {}) };
    } catch (error) {
      return { runtime: null, reason: `BATCHDECK_CONTAINER_HOST=${setting}: ${messageOf(error)}` };
    }
  }

  const dockerSocket = options.dockerSocket ?? DOCKER_SOCKET;
  if (existsSync(dockerSocket)) {
    try {
      const runtime = await connect(dockerSocket, {});
      log("container runtime found", { kind: runtime.kind, socket: dockerSocket, version: runtime.version });
      return { runtime };
    } catch (error) {
      log("container runtime socket does not answer", { socket: dockerSocket, error: messageOf(error) });
    }
  }

  const podman = findExecutable("podman", options.searchPath);
  if (!podman) return { runtime: null, reason: NO_RUNTIME_REASON };
  try {
    return { runtime: await podmanRuntime({ ...options, podman, log }) };
  } catch (error) {
    return { runtime: null, reason: `podman service: ${messageOf(error)}` };
  }
}

/** Files of the Podman service an engine starts, under `<dataDir>/containers` (0700). */
export function podmanServiceFiles(dataDir: string) {
  const dir = join(dataDir, "containers");
  return {
    dir,
    socket: join(dir, "podman.sock"),
    conf: join(dir, "containers.conf"),
    log: join(dir, "podman-service.log"),
    pid: join(dir, "podman-service.pid"),
    lock: join(dir, "podman-service.lock"),
  };
}

/**
 * The Podman service on `<dataDir>/containers/podman.sock`: reused when it answers, else started
 * (one starter at a time, by a lock file, so engines starting together start one service).
 */
export async function podmanRuntime(options: {
  dataDir: string;
  podman?: string;
  searchPath?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}): Promise<ContainerRuntime> {
  const log = options.log ?? (() => {});
  const podman = options.podman ?? findExecutable("podman", options.searchPath);
  if (!podman) throw new Error(NO_RUNTIME_REASON);
  const files = podmanServiceFiles(options.dataDir);
  if (files.socket.length > MAX_SOCKET_PATH) {
    throw new Error(
      `socket path ${files.socket} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter data directory`,
    );
  }
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  chmodSync(files.dir, 0o700);

  const reused = await tryConnect(files.socket, readPid(files.pid));
  if (reused) {
    log("reusing podman service", { socket: files.socket, pid: readPid(files.pid), version: reused.version });
    return reused;
  }
  const releaseLock = await takeLock(files.lock, () => tryConnect(files.socket, readPid(files.pid)));
  if (typeof releaseLock !== "function") {
    log("reusing podman service", { socket: files.socket, pid: readPid(files.pid), version: releaseLock.version });
    return releaseLock;
  }
  try {
    // Another starter may have finished while we waited for the lock.
    const meanwhile = await tryConnect(files.socket, readPid(files.pid));
    if (meanwhile) return meanwhile;
    stopStaleService(files, log);
    const child = startService(podman, files, options.searchPath);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not run ${podman}`);
    writeFileSync(files.pid, `${pid}\n`, { mode: 0o600 });
    const runtime = await waitForService(files, child);
    log("started podman service", { socket: files.socket, pid, version: runtime.version, log: files.log });
    let closed = false;
    runtime.close = () => {
      if (closed) return;
      closed = true;
      // child.kill does nothing once Node saw the child exit, so no other process can be hit
      // through a recycled pid; SIGTERM lets Podman shut down cleanly, and containers (under
      // conmon) keep running.
      child.kill("SIGTERM");
      if (readPid(files.pid) === pid) rmSync(files.pid, { force: true });
    };
    return runtime;
  } finally {
    releaseLock();
  }
}

/** Ping, version and limits of the API at `socketPath`; throws what the socket said. */
async function connect(socketPath: string, options: { servicePid?: number | null }): Promise<ContainerRuntime> {
  // A socket that accepts and never answers must not hold the engine's start for long; the
  // runtime's own client has the usual timeout.
  const probe = new DockerApi(socketPath, { timeoutMs: 5_000 });
  let version: DockerVersion;
  try {
    await probe.ping();
    version = await probe.version();
  } finally {
    probe.close();
  }
  const kind = runtimeKind(version);
  return {
    kind,
    socketPath,
    version: engineVersion(version, kind),
    api: new DockerApi(socketPath),
    logFormat: kind === "podman" ? "k8s-file" : "json-file",
    ulimitCeiling: ulimitCeiling(kind, options.servicePid ?? null),
    close: () => {},
  };
}

async function tryConnect(socketPath: string, servicePid: number | null): Promise<ContainerRuntime | null> {
  if (!existsSync(socketPath)) return null;
  try {
    return await connect(socketPath, { servicePid });
  } catch {
    return null;
  }
}

function runtimeKind(version: DockerVersion): "podman" | "docker" {
  return version.Components?.some((c) => /podman/i.test(c.Name)) ? "podman" : "docker";
}

function engineVersion(version: DockerVersion, kind: "podman" | "docker"): string {
  const engine = version.Components?.find((c) =>
    kind === "podman" ? c.Name === "Podman Engine" : c.Name === "Engine",
  );
  return engine?.Version ?? version.Version;
}

/**
 * The highest ulimits a container can be given. A runtime cannot set a limit above its own hard
 * limit without CAP_SYS_RESOURCE (setrlimit fails: "operation not permitted"), and the engine's
 * hard limits are what its children, a Podman service among them, start with. Podman also
 * lowers its own nproc to kernel.pid_max at start (32768 here, below `ulimit -Hu`), so for Podman
 * that is a ceiling too; and where the service's pid is known its actual limits are read.
 */
export function ulimitCeiling(kind: "podman" | "docker", servicePid: number | null): { nofile: number; nproc: number } {
  const own = hardLimits("self");
  let nofile = own.nofile ?? readNumber("/proc/sys/fs/nr_open") ?? 1024;
  let nproc = own.nproc ?? readNumber("/proc/sys/kernel/pid_max") ?? 1024;
  if (kind === "podman") {
    const pidMax = readNumber("/proc/sys/kernel/pid_max");
    if (pidMax !== null) nproc = Math.min(nproc, pidMax);
    const service = servicePid !== null ? hardLimits(String(servicePid)) : {};
    if (service.nofile !== undefined) nofile = Math.min(nofile, service.nofile);
    if (service.nproc !== undefined) nproc = Math.min(nproc, service.nproc);
  }
  return { nofile, nproc };
}

/** Hard "Max open files" and "Max processes" of a process; absent when unlimited or unreadable. */
function hardLimits(pid: string): { nofile?: number; nproc?: number } {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/limits`, "utf8");
  } catch {
    return {};
  }
  const hard = (name: string) => {
    const m = new RegExp(`^${name}\\s+\\S+\\s+(\\d+)\\s`, "m").exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return { nofile: hard("Max open files"), nproc: hard("Max processes") };
}

function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The containers.conf of the service we start; each line is explained in the file itself. */
export function serviceConfig(runc: boolean, ceiling: { nofile: number; nproc: number }): string {
  const lines = [
    "# Written by Batchdeck's engine (engine/containers/runtime.ts) for the Podman service it starts",
    "# with CONTAINERS_CONF pointing here, and rewritten each time it starts one. Only what this host",
    "# needs differs from Podman's defaults.",
    "",
    "[engine]",
  ];
  if (runc) {
    lines.push(
      "# crun, Podman's default OCI runtime, fails on hosts like this (cgroup v1 hybrid, no",
      "# CAP_SYS_RESOURCE); runc runs the same containers.",
      'runtime = "runc"',
    );
  } else {
    lines.push("# runc was not found on PATH: Podman's default OCI runtime is used.");
  }
  lines.push(
    "",
    "[containers]",
    "# Podman's defaults (1048576 open files, pid_max processes) are above what this service may set",
    '# without CAP_SYS_RESOURCE, and every container would fail with "setrlimit: operation not',
    "# permitted\". These are the engine's hard limits when this file was written (nproc no higher",
    "# than kernel.pid_max, to which Podman lowers its own); a job may ask for less.",
    `default_ulimits = ["nofile=${ceiling.nofile}:${ceiling.nofile}", "nproc=${ceiling.nproc}:${ceiling.nproc}"]`,
    "",
  );
  return lines.join("\n");
}

/** Environment variables the service may need; the engine's own (database URL, keys) stay out. */
const SERVICE_ENV = [
  "PATH",
  "HOME",
  "USER",
  "LANG",
  "TZ",
  "TMPDIR",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "CONTAINERS_STORAGE_CONF",
  "CONTAINERS_REGISTRIES_CONF",
  "REGISTRIES_CONFIG_PATH",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

function startService(
  podman: string,
  files: ReturnType<typeof podmanServiceFiles>,
  searchPath: string | undefined,
): ChildProcess {
  const runc = findExecutable("runc", searchPath) !== null;
  writeFileSync(files.conf, serviceConfig(runc, ulimitCeiling("podman", null)), { mode: 0o600 });
  const env: Record<string, string | undefined> = { CONTAINERS_CONF: files.conf };
  for (const name of SERVICE_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  if (searchPath !== undefined) env.PATH = searchPath;
  // Appended across restarts, but not without bound: past 10 MB a new service starts it afresh.
  const big = existsSync(files.log) && statSync(files.log).size > 10 * 1024 * 1024;
  const out = openSync(files.log, big ? "w" : "a", 0o600);
  try {
    const child = spawn(podman, ["system", "service", "--time=0", `unix://${files.socket}`], {
      detached: true,
      stdio: ["ignore", out, out],
      env: env as NodeJS.ProcessEnv,
    });
    child.on("error", () => {}); // reported by waitForService through the exit and the log
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

async function waitForService(
  files: ReturnType<typeof podmanServiceFiles>,
  child: ChildProcess,
): Promise<ContainerRuntime> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    const runtime = await tryConnect(files.socket, child.pid ?? null);
    if (runtime) return runtime;
    if (exited || child.exitCode !== null) {
      throw new Error(`podman system service exited at start: ${logTail(files.log)}`);
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`podman system service did not answer on ${files.socket} within ${START_TIMEOUT_MS / 1000} s`);
}

/**
 * A service recorded in the pid file that is alive but does not answer (hung, or started with
 * another socket): stopped before a new one binds the socket. Only a process whose command line
 * is a podman service on our socket is touched, so a recycled pid is left alone.
 */
function stopStaleService(files: ReturnType<typeof podmanServiceFiles>, log: NonNullable<FindRuntimeOptions["log"]>) {
  const pid = readPid(files.pid);
  if (pid !== null && isOurService(pid, files.socket)) {
    log("stopping a podman service that does not answer", { pid, socket: files.socket });
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  rmSync(files.pid, { force: true });
  // A socket file nobody listens on would make the new service fail to bind.
  rmSync(files.socket, { force: true });
}

function isOurService(pid: number, socket: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return args.includes("service") && args.includes(`unix://${socket}`);
  } catch {
    return false;
  }
}

/**
 * A lock file holding its owner's pid, for starting the service; written whole before it
 * appears (a link of a file of our own), so a reader never sees it empty. While another live
 * process holds it, waits, and returns the runtime as soon as the socket answers; a dead
 * owner's lock is taken over.
 */
async function takeLock(
  path: string,
  answered: () => Promise<ContainerRuntime | null>,
): Promise<(() => void) | ContainerRuntime> {
  const deadline = Date.now() + START_TIMEOUT_MS + 5_000;
  const mine = `${process.pid}\n`;
  const mineFile = `${path}.${process.pid}`;
  writeFileSync(mineFile, mine, { mode: 0o600 });
  try {
    for (;;) {
      try {
        linkSync(mineFile, path);
        return () => {
          try {
            if (readFileSync(path, "utf8") === mine) rmSync(path, { force: true });
          } catch {
            // already gone
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = readPid(path);
      if (owner === null || !processAlive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      const runtime = await answered();
      if (runtime) return runtime;
      if (Date.now() > deadline) throw new Error(`another process (pid ${owner}) holds ${path} and no service answers`);
      await sleep(100);
    }
  } finally {
    rmSync(mineFile, { force: true });
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function logTail(path: string): string {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n");
    return lines.slice(-5).join(" | ") || "(no output)";
  } catch {
    return "(no output)";
  }
}

/** The first executable `name` on the search path (default $PATH), or null. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? ""): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

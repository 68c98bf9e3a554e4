// Finding the container runtime with the real Podman: a service started in a temporary data
// directory, reused by the next lookup and by an engine started after one that was SIGKILLed,
// stopped by close() only in the process that started it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ensureTestImage } from "@/tests/helpers/test-image";
import { DockerApi } from "./docker-api";
import { type ContainerRuntime, findContainerRuntime, NO_RUNTIME_REASON, podmanServiceFiles } from "./runtime";

const LABEL = "batchdeck.test";
const testId = `runtime-${process.pid}-${Date.now().toString(36)}`;
// No Docker on this machine; a path that is never there keeps a Docker elsewhere out of the test.
const noDocker = "/nonexistent/docker.sock";
const root = fileURLToPath(new URL("../..", import.meta.url));

const dirs: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bd-rt-"));
  dirs.push(dir);
  return dir;
}

/** Every process serving the Docker API on this socket. */
function servicePids(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args.includes("service") && args.includes(`unix://${socket}`)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

async function pings(socket: string): Promise<boolean> {
  const api = new DockerApi(socket, { timeoutMs: 2_000 });
  try {
    await api.ping();
    return true;
  } catch {
    return false;
  } finally {
    api.close();
  }
}

/** Stops a service the test itself did not start through a runtime it holds. */
function stopByPidFile(dir: string) {
  cleanups.push(async () => {
    const files = podmanServiceFiles(dir);
    for (const pid of servicePids(files.socket)) process.kill(pid, "SIGTERM");
    await until(() => servicePids(files.socket).length === 0);
  });
}

async function found(options: Parameters<typeof findContainerRuntime>[0]): Promise<ContainerRuntime> {
  const lookup = await findContainerRuntime({ dockerSocket: noDocker, ...options });
  if (!lookup.runtime) throw new Error(lookup.reason);
  return lookup.runtime;
}

describe("findContainerRuntime", () => {
  it("gives the reason when disabled, misconfigured or nothing is installed", async () => {
    const dir = dataDir();
    expect(await findContainerRuntime({ dataDir: dir, setting: "none" })).toEqual({
      runtime: null,
      reason: "container runtime disabled (BATCHDECK_CONTAINER_HOST=none)",
    });

    const missing = join(dir, "nowhere.sock");
    const bad = await findContainerRuntime({ dataDir: dir, setting: `unix://${missing}` });
    expect(bad.runtime).toBeNull();
    if (bad.runtime === null) expect(bad.reason).toContain(missing);

    const tcp = await findContainerRuntime({ dataDir: dir, setting: "tcp://127.0.0.1:2375" });
    if (tcp.runtime === null) expect(tcp.reason).toMatch(/not supported: use unix:\/\//);
    else expect.unreachable();

    const nothing = await findContainerRuntime({ dataDir: dir, searchPath: dir, dockerSocket: noDocker });
    expect(nothing).toEqual({ runtime: null, reason: NO_RUNTIME_REASON });
  });

  it("starts a Podman service, reuses it, and stops it only from the process that started it", async () => {
    const dir = dataDir();
    const files = podmanServiceFiles(dir);
    const logs: string[] = [];
    const first = await found({ dataDir: dir, log: (message) => logs.push(message) });
    cleanups.push(() => first.close());
    expect(first).toMatchObject({ kind: "podman", socketPath: files.socket, logFormat: "k8s-file" });
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(logs).toEqual(["started podman service"]);

    const pid = Number(readFileSync(files.pid, "utf8"));
    expect(servicePids(files.socket)).toEqual([pid]);
    expect(statSync(files.dir).mode & 0o777).toBe(0o700);
    const conf = readFileSync(files.conf, "utf8");
    expect(conf).toContain('runtime = "runc"');
    const { nofile, nproc } = first.ulimitCeiling;
    expect(conf).toContain(`default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`);
    // Podman ran with the engine's environment minus its secrets.
    expect(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")).toContain(`CONTAINERS_CONF=${files.conf}`);

    // The default ulimits are what a container gets, and they are accepted.
    const image = await ensureTestImage();
    const logPath = join(dir, "limits.log");
    const { Id } = await first.api.createContainer({
      Image: image,
      Cmd: ["sh", "-c", "echo $(ulimit -Hn) $(ulimit -Hu)"],
      Labels: { [LABEL]: testId },
      HostConfig: { LogConfig: { Type: "k8s-file", Config: { path: logPath } } },
    });
    await first.api.startContainer(Id);
    expect((await first.api.waitContainer(Id)).StatusCode).toBe(0);
    expect(readFileSync(logPath, "utf8")).toMatch(new RegExp(` stdout F ${nofile} ${nproc}$`, "m"));
    await first.api.removeContainer(Id);

    const again = await found({ dataDir: dir, log: (message) => logs.push(message) });
    expect(logs.at(-1)).toBe("reusing podman service");
    expect(Number(readFileSync(files.pid, "utf8"))).toBe(pid);
    expect(servicePids(files.socket)).toEqual([pid]);
    expect(again.ulimitCeiling).toEqual(first.ulimitCeiling);

    // Through BATCHDECK_CONTAINER_HOST, the same service.
    const viaSetting = await found({ dataDir: dataDir(), setting: `unix://${files.socket}` });
    expect(viaSetting).toMatchObject({ kind: "podman", socketPath: files.socket });

    again.close();
    viaSetting.close();
    expect(await pings(files.socket)).toBe(true);

    first.close();
    expect(await until(() => !alive(pid))).toBe(true);
    expect(await pings(files.socket)).toBe(false);
  }, 60_000);

  it("keeps containers running when the service stops: a wait is cut, the next service sees the exit", async () => {
    const dir = dataDir();
    const image = await ensureTestImage();
    const first = await found({ dataDir: dir });
    cleanups.push(() => first.close());
    const { Id } = await first.api.createContainer({
      Image: image,
      Cmd: ["sh", "-c", "sleep 3; exit 7"],
      Labels: { [LABEL]: testId },
    });
    await first.api.startContainer(Id);
    const cut = first.api.waitContainer(Id).catch((error: unknown) => error);
    first.close();
    expect(await cut).toMatchObject({ name: "DockerApiError", status: 0 });

    const second = await found({ dataDir: dir });
    cleanups.push(() => second.close());
    expect((await second.api.inspectContainer(Id)).State.Running).toBe(true);
    expect(await second.api.waitContainer(Id)).toEqual({ StatusCode: 7 });
    await second.api.removeContainer(Id);
    second.close();
  }, 60_000);

  it("starts one service when two lookups race", async () => {
    const dir = dataDir();
    const files = podmanServiceFiles(dir);
    const [a, b] = await Promise.all([found({ dataDir: dir }), found({ dataDir: dir })]);
    cleanups.push(() => {
      a.close();
      b.close();
    });
    expect(servicePids(files.socket)).toEqual([Number(readFileSync(files.pid, "utf8"))]);
    a.close();
    b.close();
    expect(await until(async () => servicePids(files.socket).length === 0 && !(await pings(files.socket)))).toBe(true);
  }, 60_000);

  it("leaves the service running when the engine is SIGKILLed, and the next engine reuses it", async () => {
    const dir = dataDir();
    const files = podmanServiceFiles(dir);
    stopByPidFile(dir);
    const script = join(dir, "engine.mts");
    writeFileSync(
      script,
      [
        `import { findContainerRuntime } from ${JSON.stringify(join(root, "engine/containers/runtime.ts"))};`,
        `const lookup = await findContainerRuntime({ dataDir: process.argv[2], dockerSocket: ${JSON.stringify(noDocker)} });`,
        "console.log(JSON.stringify({ ok: lookup.runtime !== null }));",
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const engine = spawn(process.execPath, ["--import", "tsx", script, dir], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await firstLine(engine);
    expect(JSON.parse(line)).toEqual({ ok: true });
    const pid = Number(readFileSync(files.pid, "utf8"));
    engine.kill("SIGKILL");
    await new Promise((resolve) => engine.once("exit", resolve));

    // The next engine finds the dead engine's service and keeps it: the same process, still
    // answering, once the reuse is done (no grace period to outlast).
    const next = await found({ dataDir: dir });
    expect(Number(readFileSync(files.pid, "utf8"))).toBe(pid);
    expect(servicePids(files.socket)).toEqual([pid]);
    expect(alive(pid)).toBe(true);
    expect(await pings(files.socket)).toBe(true);
    next.close(); // not started by this process: nothing stops
    expect(await pings(files.socket)).toBe(true);

    // A service that died without cleaning up leaves its socket file: a new one takes its place.
    process.kill(pid, "SIGKILL");
    expect(await until(() => !alive(pid))).toBe(true);
    expect(existsSync(files.socket)).toBe(true);
    const replaced = await found({ dataDir: dir });
    const newPid = Number(readFileSync(files.pid, "utf8"));
    expect(newPid).not.toBe(pid);
    expect(servicePids(files.socket)).toEqual([newPid]);
    replaced.close();
    expect(await until(() => !alive(newPid))).toBe(true);
  }, 60_000);
});

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`engine exited (${code}) before answering: ${text}`)));
  });
}

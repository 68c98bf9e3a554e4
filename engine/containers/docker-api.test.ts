// The Docker API client against a real Podman service (started for this file in a temporary
// data directory), and, for what no daemon can be made to do on demand (a chunk cut inside a
// character, a call that never answers), against a small HTTP server on a unix socket.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestImage } from "@/tests/helpers/test-image";
import { type ContainerCreateBody, DockerApi, DockerApiError, splitImageRef } from "./docker-api";
import { type ContainerRuntime, podmanRuntime } from "./runtime";

const LABEL = "batchdeck.test";
const testId = `api-${process.pid}-${Date.now().toString(36)}`;
const MiB = 1024 * 1024;

let dir: string;
let runtime: ContainerRuntime;
let api: DockerApi;
let image: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bd-api-"));
  image = await ensureTestImage();
  runtime = await podmanRuntime({ dataDir: dir });
  api = runtime.api;
}, 120_000);

afterAll(async () => {
  if (api) {
    for (const c of await api.listContainers({ all: true, labels: [`${LABEL}=${testId}`] })) {
      await api.removeContainer(c.Id, { force: true });
    }
    api.close();
  }
  runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

function create(body: Partial<ContainerCreateBody>, name?: string) {
  return api.createContainer({ Image: image, ...body, Labels: { [LABEL]: testId, ...body.Labels } }, name);
}

async function rejection(promise: Promise<unknown>): Promise<DockerApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DockerApiError);
  return error as DockerApiError;
}

describe("DockerApi against Podman", () => {
  it("pings and reports its version", async () => {
    await api.ping();
    const version = await api.version();
    expect(version.ApiVersion).toBe("1.41");
    expect(version.Components?.map((c) => c.Name)).toContain("Podman Engine");
    expect(runtime.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("tells an image that is there from one that is not", async () => {
    expect(await api.imageExists(image)).toBe(true);
    expect(await api.imageExists(`localhost/batchdeck-test:absent-${testId}`)).toBe(false);
  });

  it("fails a pull no registry can serve with the daemon's error", async () => {
    // A registry on loopback where nothing listens: refused at once (three tries, ~3 s, printed).
    const ref = `127.0.0.1:9/batchdeck-absent:${testId}`;
    const started = Date.now();
    const error = await rejection(api.pullImage(ref, { username: "u", password: "p", serveraddress: "127.0.0.1:9" }));
    console.log(`pull from a registry that refuses: failed after ${Date.now() - started} ms`);
    expect(error.message).toContain("127.0.0.1:9/batchdeck-absent");
    expect(error.message).toMatch(/pinging container registry|connection refused/);
  }, 60_000);

  it("runs a container with labels, a memory limit and its log at our path", async () => {
    const logPath = join(dir, "echo.log");
    const { Id, Warnings } = await create({
      Cmd: ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"],
      User: "nobody",
      Labels: { role: "echo" },
      HostConfig: {
        Memory: 64 * MiB,
        MemorySwap: 64 * MiB,
        LogConfig: { Type: "k8s-file", Config: { path: logPath, "max-size": "1mb" } },
      },
    });
    expect(Warnings).toEqual([]);
    await api.startContainer(Id);
    expect((await api.waitContainer(Id)).StatusCode).toBe(3);

    const state = await api.inspectContainer(Id);
    expect(state.Id).toBe(Id);
    expect(state.State).toMatchObject({ Status: "exited", Running: false, ExitCode: 3 });
    expect(state.Config.Labels).toMatchObject({ [LABEL]: testId, role: "echo" });
    expect(state.HostConfig.Memory).toBe(64 * MiB);
    expect(state.LogPath).toBe(logPath);
    const log = readFileSync(logPath, "utf8");
    expect(log).toMatch(/^\S+ stdout F to-stdout$/m);
    expect(log).toMatch(/^\S+ stderr F to-stderr$/m);

    await api.removeContainer(Id);
    expect((await rejection(api.inspectContainer(Id))).status).toBe(404);
  });

  it("kills a running container, and tells a kill of one that has exited or is gone", async () => {
    // An init as PID 1 forwards SIGTERM; `sleep` as PID 1 would not die of it.
    const { Id } = await create({ Cmd: ["sleep", "60"], HostConfig: { Init: true } });
    await api.startContainer(Id);
    await api.startContainer(Id); // 304: already running
    expect((await api.inspectContainer(Id)).State.Running).toBe(true);
    expect(await api.killContainer(Id, "SIGTERM")).toBe(true);
    expect((await api.waitContainer(Id)).StatusCode).toBe(143);
    expect(await api.killContainer(Id, "SIGTERM")).toBe(false);
    expect(await api.killContainer(Id)).toBe(false);

    await api.removeContainer(Id);
    await api.removeContainer(Id, { force: true }); // gone already: fine
    expect(await api.killContainer(Id)).toBe(false);
    expect((await rejection(api.waitContainer(Id))).status).toBe(404);
  });

  it("refuses to remove a running container without force, as a conflict", async () => {
    const { Id } = await create({ Cmd: ["sleep", "60"], HostConfig: { Init: true } });
    await api.startContainer(Id);
    const waited = api.waitContainer(Id).then(
      ({ StatusCode }) => StatusCode,
      (error: DockerApiError) => error.status,
    );
    expect((await rejection(api.removeContainer(Id))).status).toBe(409);
    // Removed with force while waited on: the wait ends with the removal's kill (137) or, as
    // Podman mostly answers, "already removed" (404); never as a clean exit.
    await api.removeContainer(Id, { force: true });
    expect([137, 404]).toContain(await waited);
  });

  it("never reads a container removed while waited on as a clean exit", async () => {
    const outcomes = await Promise.all(
      [10, 50, 200].map(async (delay) => {
        const { Id } = await create({ Cmd: ["sleep", "60"], HostConfig: { Init: true } });
        await api.startContainer(Id);
        const waited = api.waitContainer(Id).then(
          ({ StatusCode }) => StatusCode,
          (error: DockerApiError) => error.status,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        await api.removeContainer(Id, { force: true });
        return waited;
      }),
    );
    for (const outcome of outcomes) expect([137, 404]).toContain(outcome);
  });

  it("waits through Podman's own endpoint too: the exit code, and never a removed container as a clean exit", async () => {
    const { Id } = await create({ Cmd: ["sh", "-c", "sleep 0.3; exit 5"] });
    await api.startContainer(Id);
    expect(await api.waitContainer(Id, undefined, { podman: true })).toEqual({ StatusCode: 5 });
    const outcomes = await Promise.all(
      [10, 200].map(async (delay) => {
        const c = await create({ Cmd: ["sleep", "60"], HostConfig: { Init: true } });
        await api.startContainer(c.Id);
        const waited = api.waitContainer(c.Id, undefined, { podman: true }).then(
          ({ StatusCode }) => StatusCode,
          (error: DockerApiError) => error.status,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        await api.removeContainer(c.Id, { force: true });
        return waited;
      }),
    );
    for (const outcome of outcomes) expect([137, 404, 500]).toContain(outcome);
  });

  it("answers a name in use with 409 and a missing image with 404", async () => {
    const name = `bd-${testId}-named`;
    await create({ Cmd: ["true"] }, name);
    expect((await rejection(create({ Cmd: ["true"] }, name))).status).toBe(409);
    const missing = await rejection(api.createContainer({ Image: `localhost/batchdeck-test:absent-${testId}` }));
    expect(missing.status).toBe(404);
    await api.removeContainer(name, { force: true });
  });

  it("keeps short calls going while many waits hold connections, and aborts a wait", async () => {
    const { Id } = await create({ Cmd: ["sleep", "60"], HostConfig: { Init: true } });
    await api.startContainer(Id);
    // More waits than the short calls' pool has sockets, sent before the short calls: in one
    // pool, the short calls would queue behind them until the container ends (60 s).
    let settled = 0;
    const waits = Array.from({ length: 40 }, () => api.waitContainer(Id).finally(() => settled++));
    const aborter = new AbortController();
    const aborted = api.waitContainer(Id, aborter.signal);

    await api.ping();
    expect((await api.inspectContainer(Id)).State.Running).toBe(true);
    // Answered while every wait still holds its connection.
    expect(settled).toBe(0);

    aborter.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect((await api.inspectContainer(Id)).State.Running).toBe(true);
    await expect(api.waitContainer(Id, aborter.signal)).rejects.toMatchObject({ name: "AbortError" });

    expect(await api.killContainer(Id, "SIGKILL")).toBe(true);
    const codes = await Promise.all(waits);
    expect(new Set(codes.map((c) => c.StatusCode))).toEqual(new Set([137]));
    await api.removeContainer(Id);
  }, 60_000);

  it("lists containers by label, and only ours", async () => {
    const role = `role-${testId}`;
    const a = await create({ Cmd: ["true"], Labels: { [role]: "a", [`only-${testId}`]: "" } });
    const b = await create({ Cmd: ["true"], Labels: { [role]: "b" } });

    const byValue = await api.listContainers({ all: true, labels: [`${LABEL}=${testId}`, `${role}=a`] });
    expect(byValue.map((c) => c.Id)).toEqual([a.Id]);
    expect(byValue[0]).toMatchObject({ Image: image, State: "created", Labels: { [role]: "a" } });
    expect(byValue[0]!.Names[0]).toMatch(/^\//);
    expect(typeof byValue[0]!.Created).toBe("number");

    const byKey = await api.listContainers({ all: true, labels: [`only-${testId}`] });
    expect(byKey.map((c) => c.Id)).toEqual([a.Id]);
    const both = await api.listContainers({ all: true, labels: [role] });
    expect(both.map((c) => c.Id).sort()).toEqual([a.Id, b.Id].sort());
    // Without `all`, only running containers: these were never started.
    expect(await api.listContainers({ labels: [role] })).toEqual([]);
    expect(await api.listContainers({ all: true, labels: [`${role}=c`] })).toEqual([]);

    await api.removeContainer(a.Id);
    await api.removeContainer(b.Id);
  });
});

describe("DockerApi transport", () => {
  it("names the socket when nothing is there or nothing listens", async () => {
    const missing = join(dir, "missing.sock");
    const error = await rejection(new DockerApi(missing).ping());
    expect(error.status).toBe(0);
    expect(error.message).toContain(missing);

    const plainFile = join(dir, "plain.sock");
    writeFileSync(plainFile, "");
    const refused = await rejection(new DockerApi(plainFile).version());
    expect(refused.status).toBe(0);
    expect(refused.message).toContain(plainFile);
  });

  it("times out a call that gets no answer, with a clear error", async () => {
    await withServer(
      () => {}, // never answers
      async (socket) => {
        const slow = new DockerApi(socket, { timeoutMs: 300 });
        const error = await rejection(slow.inspectContainer("x"));
        expect(error.status).toBe(0);
        expect(error.message).toMatch(/no answer from .* within 0\.3 s/);
        slow.close();
      },
    );
  });

  it("reads chunked answers cut anywhere, on one kept-alive connection, and the daemon's message", async () => {
    const connections = new Set<unknown>();
    await withServer(
      (req, res) => {
        connections.add(req.socket);
        if (req.url === "/v1.41/containers/bad/json") {
          res.writeHead(500, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ cause: "x", message: "it broke", response: 500 }));
          return;
        }
        const body = Buffer.from(JSON.stringify({ Id: "é-ü-€", Name: "/n", State: { Status: "running" } }));
        res.writeHead(200, { "Content-Type": "application/json" }); // no length: chunked
        // Cut inside the two-byte "é" and the three-byte "€".
        const cuts = [body.indexOf(0xc3) + 1, body.indexOf(0xe2) + 2];
        res.write(body.subarray(0, cuts[0]));
        setTimeout(() => {
          res.write(body.subarray(cuts[0], cuts[1]));
          setTimeout(() => res.end(body.subarray(cuts[1])), 5);
        }, 5);
      },
      async (socket) => {
        const client = new DockerApi(socket);
        for (let i = 0; i < 5; i++) expect((await client.inspectContainer("c")).Id).toBe("é-ü-€");
        expect(connections.size).toBe(1);
        const error = await rejection(client.inspectContainer("bad"));
        expect(error).toMatchObject({ status: 500, message: "it broke" });
        client.close();
      },
    );
  });

  it("reads a pull's progress stream to its end and rejects with its error line", async () => {
    let auth: string | undefined;
    let url: string | undefined;
    await withServer(
      (req, res) => {
        auth = req.headers["x-registry-auth"] as string | undefined;
        url = req.url;
        res.writeHead(200, { "Content-Type": "application/json" });
        res.write('{"status":"Pulling fs layer"}\n{"status":"Downlo');
        setTimeout(
          () => res.end('ading"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n'),
          5,
        );
      },
      async (socket) => {
        const client = new DockerApi(socket);
        const error = await rejection(
          client.pullImage("registry.test:5000/team/app:1.2", { username: "u", password: "p" }),
        );
        expect(error.message).toBe("manifest unknown");
        expect(url).toBe("/v1.41/images/create?fromImage=registry.test%3A5000%2Fteam%2Fapp&tag=1.2");
        expect(JSON.parse(Buffer.from(auth!, "base64url").toString())).toEqual({ username: "u", password: "p" });
        // Padded, as Go's base64.URLEncoding wants (this JSON is 31 bytes: "==" at the end).
        expect(auth).toMatch(/^[A-Za-z0-9_-]+==$/);
        client.close();
      },
    );
  });

  it("splits image references into repository and tag", () => {
    expect(splitImageRef("busybox")).toEqual({ repository: "busybox", tag: "latest" });
    expect(splitImageRef("host:5000/team/app")).toEqual({ repository: "host:5000/team/app", tag: "latest" });
    expect(splitImageRef("host:5000/team/app:1.2")).toEqual({ repository: "host:5000/team/app", tag: "1.2" });
    expect(splitImageRef("app@sha256:abc")).toEqual({ repository: "app", tag: "sha256:abc" });
  });
});

async function withServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  body: (socket: string) => Promise<void>,
): Promise<void> {
  const socket = join(dir, `fake-${Math.random().toString(36).slice(2)}.sock`);
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    await body(socket);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

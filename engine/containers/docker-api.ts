// A small client for the Docker Engine API over a unix socket: the dozen endpoints the container
// executor needs, typed, with no dependency (dockerode would bring ssh2 and grpc for the same
// calls). Docker serves this API, and so does Podman through `podman system service`, so one
// client drives either; where Podman answers differently from Docker, this file says so.
//
// Transport: short calls share a keep-alive agent; `wait` and `pull` go through an agent of
// their own, because a wait holds its connection for as long as the container runs and hundreds
// of them must not starve an inspect or a kill. Short calls time out (60 s by default); waits and
// pulls do not, and take an AbortSignal instead.
import http from "node:http";
import { StringDecoder } from "node:string_decoder";

const API_PREFIX = "/v1.41";
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * `status` is the daemon's HTTP status, 0 when there was no answer at all (the socket is not
 * there, refuses, resets, or the call timed out). Podman answers 500 where Docker answers 409
 * (a container name in use, a container in the wrong state); those are reported as 409, so
 * callers handle one set of statuses. `message` is the daemon's own `message` field.
 */
export class DockerApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DockerApiError";
    this.status = status;
  }
}

export interface ContainerUlimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface ContainerMount {
  Type: "bind" | "volume" | "tmpfs";
  Target: string;
  Source?: string;
  ReadOnly?: boolean;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  [key: string]: unknown;
}

export interface ContainerHostConfig {
  /** Bytes; with MemorySwap equal to it, no swap on top. */
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  /** CPUs × 10⁹. */
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  PidsLimit?: number;
  /** Not above ContainerRuntime.ulimitCeiling, or the container fails to start. */
  Ulimits?: ContainerUlimit[];
  /** Podman: `{ Type: "k8s-file", Config: { path, "max-size" } }` writes where we say. */
  LogConfig?: { Type: string; Config?: Record<string, string> };
  /** An init process as PID 1 (Podman: catatonit) that forwards signals and reaps children. */
  Init?: boolean;
  NetworkMode?: string;
  Binds?: string[];
  Mounts?: ContainerMount[];
  Tmpfs?: Record<string, string>;
  ReadonlyRootfs?: boolean;
  Privileged?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  SecurityOpt?: string[];
  Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions?: string }[];
  DeviceRequests?: { Driver?: string; Count?: number; DeviceIDs?: string[]; Capabilities?: string[][] }[];
  ShmSize?: number;
  OomKillDisable?: boolean;
  CgroupParent?: string;
  AutoRemove?: boolean;
  [key: string]: unknown;
}

/** The body of POST /containers/create; fields we do not use pass through the index signature. */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  Hostname?: string;
  StopSignal?: string;
  StopTimeout?: number;
  NetworkDisabled?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  HostConfig?: ContainerHostConfig;
  [key: string]: unknown;
}

export interface ContainerInspect {
  Id: string;
  /** With a leading "/". */
  Name: string;
  State: {
    Status: string;
    Running: boolean;
    ExitCode: number;
    OOMKilled: boolean;
    Pid: number;
    StartedAt: string;
    FinishedAt: string;
    Error?: string;
  };
  Config: { Labels: Record<string, string> | null; Image: string };
  HostConfig: Record<string, unknown>;
  LogPath?: string;
  /** Bytes the container has written to its writable layer (asked for with `size`). */
  SizeRw?: number;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
  /** Unix seconds. */
  Created: number;
}

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress?: string;
}

export interface DockerVersion {
  Version: string;
  ApiVersion: string;
  Components?: { Name: string; Version: string }[];
}

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** wait and pull: the long agent, no timeout. */
  long?: boolean;
  signal?: AbortSignal;
  /** Outside /v1.41 (only /_ping). */
  unversioned?: boolean;
}

interface Answer {
  status: number;
  body: Buffer;
}

export class DockerApi {
  private readonly shortAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly longAgent = new http.Agent({ keepAlive: false });
  private readonly timeoutMs: number;

  constructor(
    readonly socketPath: string,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async ping(): Promise<void> {
    await this.expect({ method: "GET", path: "/_ping", unversioned: true }, [200]);
  }

  async version(): Promise<DockerVersion> {
    return json(await this.expect({ method: "GET", path: "/version" }, [200]));
  }

  async imageExists(ref: string): Promise<boolean> {
    const answer = await this.send({ method: "GET", path: `/images/${imagePath(ref)}/json` });
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw httpError(answer);
  }

  /**
   * The daemon answers 200 at once and reports progress, and failure, as JSON lines: the call
   * ends when the stream does, and rejects with the first error line's message. No timeout
   * (a large image takes long); Podman gives up on an unreachable registry after three tries,
   * about 3 s.
   */
  async pullImage(ref: string, auth?: RegistryAuth, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { repository, tag } = splitImageRef(ref);
    const headers: Record<string, string> = {};
    if (auth) headers["X-Registry-Auth"] = registryAuthHeader(auth);
    await this.exchange(
      {
        method: "POST",
        path: "/images/create",
        query: { fromImage: repository, tag },
        headers,
        long: true,
        signal: options.signal,
      },
      async (res) => {
        if (res.statusCode !== 200) throw httpError({ status: res.statusCode ?? 0, body: await readAll(res, this) });
        const failure = await scanPullStream(res, this);
        if (failure !== null) throw new DockerApiError(500, failure);
      },
    );
  }

  async createContainer(body: ContainerCreateBody, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    const created = json<{ Id: string; Warnings: string[] | null }>(
      await this.expect({ method: "POST", path: "/containers/create", query: { name }, body }, [201]),
    );
    return { Id: created.Id, Warnings: created.Warnings ?? [] };
  }

  /**
   * 304 (already running) is fine. Beware: starting a container that has exited runs it again
   * (Docker and Podman both answer 204 and rerun the command).
   */
  async startContainer(id: string): Promise<void> {
    await this.expect({ method: "POST", path: `/containers/${enc(id)}/start` }, [204, 304]);
  }

  /**
   * Resolves when the container is not running, with its exit code: at once for one that has
   * exited, and also for one created but never started (Podman then answers 0 or −1), so start
   * before waiting. No timeout; `signal` aborts the call (rejecting with the signal's reason)
   * without touching the container.
   *
   * Rejects with 404 when the container is gone before the call, and also when it is removed
   * while waited on and the daemon cannot tell how it ended: Podman then answers 200 with
   * `StatusCode: 0` and an `Error.Message` ("container has already been removed", "… does not
   * exist in database"), which read as a clean exit unless the error is looked at. (Sometimes it
   * answers 137 instead, the removal's kill, and that is what resolves.)
   */
  async waitContainer(
    id: string,
    signal?: AbortSignal,
    options: { podman?: boolean } = {},
  ): Promise<{ StatusCode: number }> {
    if (options.podman) {
      // Podman's own endpoint: the compatible one checks the state every 250 ms or so, a quarter
      // of a second on every short job; this one is asked to look every 20 ms, and answers when the
      // container has stopped (its exit code known) without waiting for the runtime's cleanup.
      const path = `/v4.0.0/libpod/containers/${enc(id)}/wait?condition=stopped&condition=exited&interval=20ms`;
      const answer = await this.expect({ method: "POST", path, long: true, signal, unversioned: true }, [200]);
      const code = Number(answer.body.toString("utf8").trim());
      if (!Number.isInteger(code)) {
        throw new DockerApiError(500, `unexpected wait answer: ${answer.body.toString("utf8").slice(0, 200)}`);
      }
      // -1: no exit code, the container was removed (or never ran) while waited on.
      if (code < 0) throw new DockerApiError(404, `container ${id} has no exit code: it was removed`);
      return { StatusCode: code };
    }
    const answer = json<{ StatusCode: number; Error?: { Message?: string } | null }>(
      await this.expect({ method: "POST", path: `/containers/${enc(id)}/wait`, long: true, signal }, [200]),
    );
    const failure = answer.Error?.Message;
    if (failure) {
      const gone = /removed|no such container|does not exist/i.test(failure);
      throw new DockerApiError(gone ? 404 : 500, failure);
    }
    return { StatusCode: answer.StatusCode };
  }

  /** `size`: also what the container wrote to its writable layer (SizeRw; the runtime walks it). */
  async inspectContainer(id: string, options: { size?: boolean } = {}): Promise<ContainerInspect> {
    const query = options.size ? "?size=true" : "";
    return json(await this.expect({ method: "GET", path: `/containers/${enc(id)}/json${query}` }, [200]));
  }

  /**
   * True when the signal was delivered; false when the container is gone or not running
   * (Docker: 404 or 409; Podman: 404, or 500 "can only kill running containers", seen as 409).
   * A delivered signal may still be ignored: PID 1 of a container gets no default action for
   * SIGTERM, so `sleep` as PID 1 survives it unless HostConfig.Init puts an init in front.
   */
  async killContainer(id: string, signal = "SIGKILL"): Promise<boolean> {
    const answer = await this.send({ method: "POST", path: `/containers/${enc(id)}/kill`, query: { signal } });
    if (answer.status === 204 || answer.status === 200) return true;
    if (answer.status === 404) return false;
    const error = httpError(answer);
    if (error.status === 409 || /not running/i.test(error.message)) return false;
    throw error;
  }

  /** With its anonymous volumes. A container that is not there is fine. */
  async removeContainer(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const answer = await this.send({
      method: "DELETE",
      path: `/containers/${enc(id)}`,
      query: { v: 1, force: opts.force ? 1 : undefined },
    });
    if (answer.status === 204 || answer.status === 200 || answer.status === 404) return;
    const error = httpError(answer);
    // Docker, when another call is removing it already.
    if (error.status === 409 && /already in progress/i.test(error.message)) return;
    throw error;
  }

  /** `labels`: "key=value" or "key" filters, all of which must match. */
  async listContainers(opts: { all?: boolean; labels?: string[] } = {}): Promise<ContainerSummary[]> {
    const filters = opts.labels?.length ? JSON.stringify({ label: opts.labels }) : undefined;
    return json(
      await this.expect(
        { method: "GET", path: "/containers/json", query: { all: opts.all ? 1 : undefined, filters } },
        [200],
      ),
    );
  }

  /** Closes idle connections; the client stays usable. */
  close(): void {
    this.shortAgent.destroy();
    this.longAgent.destroy();
  }

  private async expect(call: Call, ok: number[]): Promise<Answer> {
    const answer = await this.send(call);
    if (!ok.includes(answer.status)) throw httpError(answer);
    return answer;
  }

  private send(call: Call): Promise<Answer> {
    return this.exchange(call, async (res) => ({ status: res.statusCode ?? 0, body: await readAll(res, this) }));
  }

  /**
   * One request; `onResponse` reads the answer. Settles once: with what `onResponse` returns,
   * or with the first transport error, timeout or abort (the request is then destroyed).
   */
  private exchange<T>(call: Call, onResponse: (res: http.IncomingMessage) => Promise<T>, retried = false): Promise<T> {
    const { signal } = call;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
      const headers: Record<string, string> = { Host: "docker", ...call.headers };
      if (payload) {
        headers["Content-Type"] = "application/json";
        headers["Content-Length"] = String(payload.length);
      }
      const req = http.request({
        socketPath: this.socketPath,
        method: call.method,
        path: (call.unversioned ? "" : API_PREFIX) + call.path + queryString(call.query),
        headers,
        agent: call.long ? this.longAgent : this.shortAgent,
      });
      let settled = false;
      let responded = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        outcome();
      };
      const fail = (error: unknown) =>
        settle(() => {
          req.destroy();
          reject(error);
        });
      const onAbort = () => fail(signal?.reason);
      const timer = call.long
        ? undefined
        : setTimeout(
            () =>
              fail(
                new DockerApiError(
                  0,
                  `${call.method} ${call.path}: no answer from ${this.socketPath} within ${this.timeoutMs / 1000} s`,
                ),
              ),
            this.timeoutMs,
          );
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the daemon closed just as we reused it: nothing was read, so
        // a GET is safe to send again on a fresh one (not a POST: a start would rerun a job).
        if (!responded && !retried && req.reusedSocket && call.method === "GET" && error.code === "ECONNRESET") {
          settle(() => resolve(this.exchange(call, onResponse, true)));
          return;
        }
        fail(transportError(error, this.socketPath));
      });
      req.on("response", (res) => {
        responded = true;
        res.on("error", (error: NodeJS.ErrnoException) => fail(transportError(error, this.socketPath)));
        onResponse(res).then((value) => settle(() => resolve(value)), fail);
      });
      req.end(payload);
    });
  }
}

/** A response's whole body; rejects when the connection ends before the body does. */
function readAll(res: http.IncomingMessage, api: DockerApi): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks)));
    res.on("close", () => {
      if (!res.complete) reject(cutShort(api.socketPath));
    });
  });
}

/** Reads a pull's progress stream to its end; the first error line's message, or null. */
function scanPullStream(res: http.IncomingMessage, api: DockerApi): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder("utf8");
    let pending = "";
    let failure: string | null = null;
    const take = (line: string) => {
      if (failure !== null || line.trim() === "") return;
      try {
        const entry = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
        const message = entry.errorDetail?.message ?? entry.error;
        if (message !== undefined) failure = message || "pull failed";
      } catch {
        // a progress line we cannot read tells us nothing about the outcome
      }
    };
    res.on("data", (chunk: Buffer) => {
      pending += decoder.write(chunk);
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) take(line);
    });
    res.on("end", () => {
      take(pending + decoder.end());
      resolve(failure);
    });
    res.on("close", () => {
      if (!res.complete) reject(cutShort(api.socketPath));
    });
  });
}

function json<T>(answer: Answer): T {
  try {
    return JSON.parse(answer.body.toString("utf8")) as T;
  } catch {
    throw new DockerApiError(
      answer.status,
      `unreadable answer (not JSON): ${answer.body.toString("utf8").slice(0, 200)}`,
    );
  }
}

/** Podman's `cause` for what Docker answers with 409. */
const PODMAN_CONFLICTS = new Set(["that name is already in use", "container state improper"]);

function httpError(answer: Answer): DockerApiError {
  const text = answer.body.toString("utf8").trim();
  let message = text || `HTTP ${answer.status}`;
  let status = answer.status;
  try {
    const body = JSON.parse(text) as { message?: unknown; cause?: unknown };
    if (typeof body.message === "string" && body.message) message = body.message;
    if (status === 500 && typeof body.cause === "string" && PODMAN_CONFLICTS.has(body.cause)) status = 409;
  } catch {
    // not JSON: the text itself is the message
  }
  return new DockerApiError(status, message);
}

function transportError(error: NodeJS.ErrnoException, socketPath: string): DockerApiError {
  switch (error.code) {
    case "ENOENT":
      return new DockerApiError(0, `no container runtime socket at ${socketPath}`, { cause: error });
    case "ECONNREFUSED":
      return new DockerApiError(0, `nothing answers on ${socketPath} (connection refused)`, { cause: error });
    case "EACCES":
    case "EPERM":
      return new DockerApiError(0, `no permission to connect to ${socketPath}`, { cause: error });
    case "ECONNRESET":
    case "EPIPE":
      // A daemon that stopped (or restarted) mid-call; a wait can be made again on a new one.
      return new DockerApiError(0, `${socketPath}: the daemon closed the connection (${error.message})`, {
        cause: error,
      });
    default:
      return new DockerApiError(0, `${socketPath}: ${error.message}`, { cause: error });
  }
}

function cutShort(socketPath: string): DockerApiError {
  return new DockerApiError(0, `${socketPath}: the connection closed before the answer was complete`);
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

const enc = encodeURIComponent;

/** An image reference keeps its "/", ":" and "@" in the path, as Docker's own client sends it. */
function imagePath(ref: string): string {
  return encodeURIComponent(ref).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/gi, "@");
}

/**
 * URL-safe base64 of the JSON, with its "=" padding: Go's base64.URLEncoding, which Docker and
 * Podman decode with, rejects it unpadded (Podman: "unexpected EOF").
 */
export function registryAuthHeader(auth: RegistryAuth): string {
  return Buffer.from(JSON.stringify(auth)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * "host:5000/team/app:1.2" → { repository: "host:5000/team/app", tag: "1.2" }; a digest goes in
 * `tag` as "sha256:…". An empty tag would pull every tag of the repository, so none means
 * "latest", as `docker pull` does.
 */
export function splitImageRef(ref: string): { repository: string; tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/")) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref, tag: "latest" };
}

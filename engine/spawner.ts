// The engine's side of its process spawner (spawner-process.mjs): the process executor's
// attempts are forked by that small process instead of by the engine, whose fork costs grow
// with its memory. The spawner is started on first use and again after it ends; where it cannot
// start, attempts are spawned by the engine itself, as before.
//
// If the spawner ends while attempts it started still run, their exit statuses are lost with it
// (their parent is gone): each such attempt ends when its process does, with an error saying so,
// and the executor records it as ended by the host.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EngineLog } from "@/lib/log";
import { openForChild } from "./log-files";
import { processAlive } from "./processes";

export interface SpawnRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** The attempt's log files: STDOUT and STDERR are appended to them. */
  stdout: string;
  stderr: string;
  /** Written to the child's fd 3, then closed. */
  input?: string;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the exit status could not be known. */
  error?: Error;
}

export interface SpawnedProcess {
  pid: number;
  exited: Promise<ProcessEnd>;
}

interface Pending {
  started(pid: number): void;
  failed(error: Error): void;
  ended(end: ProcessEnd): void;
  pid: number | null;
}

const SCRIPT = fileURLToPath(new URL("./spawner-process.mjs", import.meta.url));
/** How often an orphaned attempt (its spawner ended) is checked for its end. */
const ORPHAN_CHECK_MS = 100;

export class Spawner {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = "";
  private closed = false;
  /** Set once the spawner could not be started: the engine spawns by itself from then on. */
  private broken: Error | null = null;

  constructor(private readonly log: EngineLog) {}

  /** Starts a process; rejects as spawn's "error" would (the file missing, a bad cwd). */
  spawn(request: SpawnRequest): Promise<SpawnedProcess> {
    const helper = this.broken || this.closed ? null : this.ensure();
    if (!helper) return Promise.resolve(spawnHere(request));
    const id = this.nextId++;
    return new Promise<SpawnedProcess>((resolve, reject) => {
      let ended!: (end: ProcessEnd) => void;
      const exited = new Promise<ProcessEnd>((r) => {
        ended = r;
      });
      const entry: Pending = {
        pid: null,
        started: (pid) => {
          entry.pid = pid;
          resolve({ pid, exited });
        },
        failed: (error) => {
          this.pending.delete(id);
          reject(error);
        },
        ended: (end) => {
          this.pending.delete(id);
          ended(end);
        },
      };
      this.pending.set(id, entry);
      helper.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private ensure(): ChildProcess | null {
    if (this.child) return this.child;
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [SCRIPT], {
        // Its own environment is nothing of the engine's: every child gets the one it is given.
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
        stdio: ["pipe", "pipe", "inherit"],
      });
    } catch (error) {
      this.broken = error as Error;
      this.log("cannot start the process spawner; the engine spawns jobs itself", { level: "warn", error });
      return null;
    }
    this.child = child;
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (text: string) => this.read(text));
    child.stdin!.on("error", () => {});
    child.once("error", (error) => {
      this.broken = error;
      this.lost(child, error.message);
    });
    child.once("exit", (code, signal) => this.lost(child, `exit ${code ?? signal}`));
    return child;
  }

  private read(text: string): void {
    this.buffer += text;
    for (let nl = this.buffer.indexOf("\n"); nl >= 0; nl = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let message: { id: number; pid?: number; exit?: ProcessEnd; error?: { message: string; code?: string } };
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      const entry = this.pending.get(message.id);
      if (!entry) continue;
      if (message.pid !== undefined) entry.started(message.pid);
      else if (message.exit) entry.ended({ code: message.exit.code, signal: message.exit.signal });
      else if (message.error) {
        const error = Object.assign(new Error(message.error.message), { code: message.error.code });
        entry.failed(error);
      }
    }
  }

  /** The spawner ended: what waited for a pid fails; what runs is watched until it ends. */
  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.buffer = "";
    if (this.closed) return;
    if (this.pending.size > 0) this.log("the process spawner ended", { level: "warn", reason: why });
    for (const entry of [...this.pending.values()]) {
      if (entry.pid === null) {
        entry.failed(new Error(`the engine's process spawner ended before the job started (${why})`));
        continue;
      }
      const pid = entry.pid;
      const timer = setInterval(() => {
        if (processAlive(pid)) return;
        clearInterval(timer);
        entry.ended({
          code: null,
          signal: null,
          error: new Error(`the engine's process spawner ended (${why}); the job's exit status is unknown`),
        });
      }, ORPHAN_CHECK_MS);
    }
  }

  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
    this.child = null;
  }
}

/** Spawning from the engine itself: where the spawner cannot run. */
function spawnHere(request: SpawnRequest): Promise<SpawnedProcess> {
  const fds = openForChild({ stdout: request.stdout, stderr: request.stderr });
  let child: ChildProcess;
  try {
    child = spawn(request.file, request.args, {
      cwd: request.cwd,
      env: request.env as NodeJS.ProcessEnv,
      detached: true,
      ...(request.uid === undefined ? {} : { uid: request.uid, gid: request.gid }),
      stdio: ["ignore", fds[0], fds[1], request.input === undefined ? "ignore" : "pipe"],
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  const exited = new Promise<ProcessEnd>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const pipe = child.stdio[3] as NodeJS.WritableStream | null | undefined;
  if (pipe && request.input !== undefined) {
    pipe.on("error", () => {});
    pipe.end(request.input);
  }
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("spawn", () => resolve({ pid: child.pid!, exited }));
  });
}

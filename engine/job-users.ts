// Which uid a job runs as. Jobs are other people's code: one job must not read another's
// working directory, signal its processes or outlive its attempt. When the engine is root each
// attempt gets a uid of its own from a range reserved for Batchdeck (no passwd entry needed),
// held only while the attempt runs:
//
//   acquire (a uid this engine does not hold and no process on the host runs as)
//     → chown the working directory and cgroup to it → spawn as it
//     → attempt ends: kill(-1) as that uid (every process it started, wherever it went)
//     → release
//
// A named user (BATCHDECK_JOB_USER) shares one uid between all jobs, and an engine that is not
// root cannot switch uid at all: both are weaker, and the engine says so when it starts; so it
// does when a root engine cannot seal attempts in namespaces of their own (sandbox.ts).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";

export const DEFAULT_UID_RANGE = { first: 200_000, last: 299_999 } as const;

export type JobUsers =
  /** One uid (and gid of the same number) per running attempt. */
  | { kind: "per-attempt"; first: number; last: number; unsealed?: string }
  /** Every job as one named user. */
  | { kind: "user"; name: string; uid: number; gid: number; unsealed?: string }
  /** As the engine's own user (not root, or configured so). */
  | { kind: "engine"; reason: string };

export interface JobIdentity {
  uid: number;
  gid: number;
  /** For the attempt's record: the uid number, or the user's name. */
  label: string | number;
  /** True when no other attempt shares this uid: kill(-1) as it reaches only this attempt. */
  exclusive: boolean;
}

/** "200000-299999" → the range; throws with a readable message on anything else. */
export function parseUidRange(text: string): { first: number; last: number } {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1000 || last < first || last > 4_294_967_294) {
    throw new Error(`a job uid range must look like 200000-299999, above the system uids (got "${text}")`);
  }
  return { first, last };
}

function lookupUser(name: string): { uid: number; gid: number } | null {
  try {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}:`));
    if (!line) return null;
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/**
 * runAsUser: undefined → per-attempt uids from `range`; a name → that user; null → the
 * engine's own user. Without root only the last is possible.
 */
export function resolveJobUsers(
  runAsUser: string | null | undefined,
  range: { first: number; last: number } = DEFAULT_UID_RANGE,
  isRoot = process.getuid?.() === 0,
): JobUsers {
  if (!isRoot) return { kind: "engine", reason: "the engine is not root, so it cannot run jobs as other users" };
  if (runAsUser === null) return { kind: "engine", reason: "BATCHDECK_JOB_USER is empty: jobs run as root" };
  if (runAsUser === undefined) return { kind: "per-attempt", ...range };
  const user = lookupUser(runAsUser);
  if (!user) return { kind: "engine", reason: `the job user ${runAsUser} does not exist: jobs run as root` };
  return { kind: "user", name: runAsUser, ...user };
}

/**
 * What the engine prints at start when jobs are not isolated from each other. `unsealed`: why
 * attempts cannot have namespaces of their own here (engine/sandbox.ts), set by detectHostLimits.
 */
export function isolationWarning(users: JobUsers): string | null {
  const unsealed =
    users.kind !== "engine" && users.unsealed
      ? `jobs are not sealed in namespaces of their own (${users.unsealed}): they see every process on the host with its command line, share /tmp, /var/tmp and /dev/shm, and have no disk limit`
      : null;
  if (users.kind === "per-attempt") return unsealed;
  if (users.kind === "user") {
    const shared = `every job runs as ${users.name}: jobs can read each other's working directories and signal each other's processes; unset BATCHDECK_JOB_USER for a uid per job`;
    return unsealed ? `${shared}; ${unsealed}` : shared;
  }
  return `${users.reason}; jobs are not isolated from each other or from Batchdeck's own files (run the engine as root for a uid per job)`;
}

/** Effective uids of the processes on this host (owners of /proc/<pid>). */
export function uidsOfProcesses(): Set<number> {
  const uids = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return uids;
  }
  for (const e of entries) {
    const c = e.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      uids.add(statSync(`/proc/${e}`).uid);
    } catch {
      // exited meanwhile
    }
  }
  return uids;
}

/**
 * Live pids whose real or effective uid is `uid` (from /proc/<pid>/status). Zombies are left
 * out: they run nothing, and after an engine crash they wait for init to reap them.
 */
export async function processesOfUid(uid: number): Promise<number[]> {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  await Promise.all(
    entries.map(async (pid) => {
      try {
        const status = await readFile(`/proc/${pid}/status`, "latin1");
        if (/\nState:\s+Z/.test(status)) return;
        const m = /\nUid:\s+(\d+)\s+(\d+)\s+(\d+)/.exec(status);
        if (m && (Number(m[1]) === uid || Number(m[2]) === uid || Number(m[3]) === uid)) out.push(Number(pid));
      } catch {
        // exited meanwhile
      }
    }),
  );
  return out;
}

const KILL = ["/bin/kill", "/usr/bin/kill"].find((p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
});

/**
 * SIGKILL to every process of `uid`: kill(-1) run as that uid, which the kernel applies to all
 * of them in one pass under the task list lock, so a process forking at that moment cannot leave
 * a child behind; setsid, nohup, double forks and ignored SIGTERMs change nothing. Checked
 * afterwards and repeated while a process still runs as it.
 */
export async function killUid(uid: number, gid: number): Promise<void> {
  for (let round = 0; round < 10; round++) {
    if (KILL) {
      await new Promise<void>((resolve) => {
        const child = spawn(KILL, ["-s", "KILL", "--", "-1"], {
          uid,
          gid,
          cwd: "/",
          env: {} as NodeJS.ProcessEnv,
          stdio: "ignore",
        });
        child.once("error", () => resolve());
        child.once("exit", () => resolve());
      });
    }
    if (!uidsOfProcesses().has(uid)) return;
    const left = await processesOfUid(uid);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How long a scan of /proc answers "is this uid free" before it is taken again. */
const SCAN_TTL_MS = 1_000;

/**
 * The uids this engine hands out. It starts at a random place in the range and moves round it,
 * so a uid just released is the last to come back, and two engines on one host rarely meet;
 * a uid some process on the host still runs as (an attempt of a dead engine that recovery has
 * not reached, another engine's job) is never handed out.
 */
export class JobIdentities {
  private held = new Set<number>();
  private next: number;
  private busy: Set<number> = new Set();
  private scannedAt = 0;

  constructor(readonly users: JobUsers) {
    this.next = users.kind === "per-attempt" ? Math.floor(Math.random() * (users.last - users.first + 1)) : 0;
  }

  acquire(): JobIdentity | null {
    const u = this.users;
    if (u.kind === "engine") return null;
    if (u.kind === "user") return { uid: u.uid, gid: u.gid, label: u.name, exclusive: false };
    const size = u.last - u.first + 1;
    const now = Date.now();
    if (now - this.scannedAt > SCAN_TTL_MS) {
      this.busy = uidsOfProcesses();
      this.scannedAt = now;
    }
    for (let i = 0; i < size; i++) {
      const uid = u.first + ((this.next + i) % size);
      if (this.held.has(uid) || this.busy.has(uid)) continue;
      this.next = (this.next + i + 1) % size;
      this.held.add(uid);
      return { uid, gid: uid, label: uid, exclusive: true };
    }
    throw new Error(`every uid of the job range ${u.first}-${u.last} is in use`);
  }

  /** After the attempt's processes are gone (killUid). */
  release(identity: JobIdentity | null): void {
    if (identity?.exclusive) {
      this.held.delete(identity.uid);
      this.busy.delete(identity.uid);
    }
  }
}

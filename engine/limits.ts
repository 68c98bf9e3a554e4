// Memory limits for job processes, with whatever this host offers: a cgroup (v2 unified, or
// the v1 memory controller) when the engine may create one, else `prlimit --as`, else nothing.
// The job's own argument vector is wrapped so the limit is in place before it executes a
// single instruction (a process added to a cgroup after spawn could fork first). What was
// enforced is recorded on the attempt.
import { execFileSync } from "node:child_process";
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { JobIdentity, JobUsers } from "./job-users";

export type MemoryMechanism = "cgroup-v2" | "cgroup-v1" | "rlimit-as" | "none";

export interface HostLimits {
  mechanism: MemoryMechanism;
  /** `nice` runs here: jobs start below the engine's own priority (JOB_NICE). */
  nice: boolean;
  /** Parent cgroup directory the engine creates per-attempt groups under. */
  root?: string;
  /** Which uid jobs run as (job-users.ts). */
  users: JobUsers;
}

export interface AttemptLimits {
  argv: string[];
  cgroup?: { dir: string; oomBaseline: number };
  enforced: Record<string, unknown>;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function tryCgroupRoot(base: string, marker: string): string | undefined {
  if (!existsSync(join(base, marker)) || !writable(base)) return undefined;
  const root = join(base, "batchdeck");
  try {
    mkdirSync(root, { recursive: true });
    if (marker === "cgroup.controllers") {
      // v2: the memory controller must be enabled for the children of our group.
      writeFileSync(join(root, "cgroup.subtree_control"), "+memory");
    }
    return root;
  } catch {
    return undefined;
  }
}

function runs(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function detectHostLimits(users: JobUsers): HostLimits {
  const nice = runs("nice");
  const v2 = tryCgroupRoot("/sys/fs/cgroup", "cgroup.controllers");
  if (v2) return { mechanism: "cgroup-v2", root: v2, users, nice };
  const v1 = tryCgroupRoot("/sys/fs/cgroup/memory", "memory.limit_in_bytes");
  if (v1) return { mechanism: "cgroup-v1", root: v1, users, nice };
  return { mechanism: runs("prlimit") ? "rlimit-as" : "none", users, nice };
}

/**
 * Jobs run this much below the engine's priority (nice 10: about a tenth of the CPU weight of a
 * normal process), so a job that saturates the cores does not starve the engine, the console or
 * the log guard's thread (log-guard.ts) where they share a scheduling group with it (a service's
 * cgroup). On an otherwise idle host a niced job still has every core to itself. Where the
 * kernel groups processes by session (autogroup), a job's own session competes as a whole
 * whatever this says; lowering that group as well was measured and made the guard's bound worse
 * (bench/log-guard.ts), so it is left alone.
 */
export const JOB_NICE = 10;

// `$0` is the cgroup's procs file; the shell moves itself in, then becomes the job.
const ENTER_CGROUP = 'echo $$ > "$0" && exec "$@"';
/** Empty groups kept for reuse: creating and removing a cgroup costs milliseconds each. */
const POOL_MAX = 64;

interface PooledGroup {
  dir: string;
  /** oom_kill count when handed out: the counter cannot be reset, so compare against it. */
  oomBaseline: number;
}

function oomCount(dir: string): number {
  for (const file of ["memory.events", "memory.oom_control"]) {
    try {
      const m = /oom_kill (\d+)/.exec(readFileSync(join(dir, file), "utf8"));
      if (m) return Number(m[1]);
    } catch {
      // not this cgroup version
    }
  }
  return 0;
}

/**
 * Per-engine cgroups under `<root>/<engineId>/<n>`, reused between attempts. A restarted
 * engine finds a dead one's groups by its id (recovery) and kills what is left in them.
 */
export class CgroupPool {
  private free: string[] = [];
  private seq = 0;
  readonly base: string | undefined;

  constructor(
    private readonly host: HostLimits,
    engineId: string,
  ) {
    this.base = host.root ? join(host.root, engineId.replace(/[^A-Za-z0-9_.-]/g, "_")) : undefined;
  }

  private acquire(): PooledGroup {
    const dir = this.free.pop() ?? join(this.base!, String(this.seq++));
    mkdirSync(dir, { recursive: true });
    return { dir, oomBaseline: oomCount(dir) };
  }

  prepare(memoryMiB: number, argv: string[], identity: JobIdentity | null): AttemptLimits {
    const limits = this.limitMemory(memoryMiB, argv, identity);
    if (!this.host.nice) return limits;
    limits.enforced.nice = JOB_NICE;
    return { ...limits, argv: ["nice", "-n", String(JOB_NICE), "--", ...limits.argv] };
  }

  private limitMemory(memoryMiB: number, argv: string[], identity: JobIdentity | null): AttemptLimits {
    const host = this.host;
    const bytes = memoryMiB * 1024 * 1024;
    const enforced: Record<string, unknown> = {
      processGroup: true,
      user: identity?.label ?? null,
      ...(identity?.exclusive ? { uidPerAttempt: true } : {}),
    };
    if ((host.mechanism === "cgroup-v1" || host.mechanism === "cgroup-v2") && this.base) {
      let group: PooledGroup | undefined;
      try {
        group = this.acquire();
        const { dir } = group;
        if (host.mechanism === "cgroup-v2") {
          writeFileSync(join(dir, "memory.max"), String(bytes));
          if (existsSync(join(dir, "memory.swap.max"))) writeFileSync(join(dir, "memory.swap.max"), "0");
        } else {
          // memsw (memory+swap) must never be below the memory limit: lower it after, raise it first.
          const memsw = join(dir, "memory.memsw.limit_in_bytes");
          const hasMemsw = existsSync(memsw);
          if (hasMemsw) writeFileSync(memsw, "-1");
          writeFileSync(join(dir, "memory.limit_in_bytes"), String(bytes));
          // Without this the group may swap past its limit instead of being stopped.
          if (hasMemsw) writeFileSync(memsw, String(bytes));
        }
        const procs = join(dir, "cgroup.procs");
        if (identity) chownSync(procs, identity.uid, identity.gid);
        enforced.memory = { mechanism: host.mechanism, bytes };
        return { argv: ["/bin/sh", "-c", ENTER_CGROUP, procs, ...argv], cgroup: group, enforced };
      } catch (error) {
        if (group) removeCgroup(group.dir);
        enforced.memoryError = String(error);
      }
    }
    if (host.mechanism === "rlimit-as" || enforced.memoryError) {
      enforced.memory = { mechanism: "rlimit-as", bytes };
      return { argv: ["prlimit", `--as=${bytes}`, "--", ...argv], enforced };
    }
    enforced.memory = { mechanism: "none" };
    return { argv, enforced };
  }

  /**
   * After the attempt: kill whatever is left in the group, then keep it for the next one.
   * `emptied`: the group held every process of the attempt and holds none now. A job cannot
   * move out of its group: every other group's procs file belongs to root or to another
   * attempt's uid, which is why a pooled group's file goes back to root here.
   */
  release(limits: AttemptLimits): { oomKilled: boolean; emptied: boolean } {
    const group = limits.cgroup;
    if (!group) return { oomKilled: false, emptied: false };
    killCgroup(group.dir);
    const oom = oomCount(group.dir) > group.oomBaseline;
    const emptied = readProcs(group.dir).length === 0;
    try {
      chownSync(join(group.dir, "cgroup.procs"), 0, 0);
    } catch {
      // not root (nothing was chowned), or the group is gone
    }
    if (this.free.length < POOL_MAX && emptied) this.free.push(group.dir);
    else removeCgroup(group.dir);
    return { oomKilled: oom, emptied };
  }

  /** On shutdown: remove this engine's groups. */
  close(): void {
    for (const dir of this.free.splice(0)) removeCgroup(dir);
    removeCgroup(this.base);
  }
}

/** Kills everything left in a dead engine's groups and removes them. */
export function cleanEngineCgroups(host: HostLimits, engineId: string): void {
  if (!host.root) return;
  const base = join(host.root, engineId.replace(/[^A-Za-z0-9_.-]/g, "_"));
  let entries: string[] = [];
  try {
    entries = readdirSync(base);
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = join(base, e);
    if (!existsSync(join(dir, "cgroup.procs"))) continue;
    killCgroup(dir);
    removeCgroup(dir);
  }
  removeCgroup(base);
}

function readProcs(dir: string): string[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Kills whatever is left in the group (even processes that left the process group). cgroup v2's
 * cgroup.kill does it in one step; on v1 the list is read and killed again until it is empty,
 * since a process may fork between the read and its kill.
 */
export function killCgroup(cgroupDir: string | undefined): void {
  if (!cgroupDir) return;
  try {
    writeFileSync(join(cgroupDir, "cgroup.kill"), "1");
  } catch {
    // cgroup v1, or a kernel before 5.14
  }
  for (let round = 0; round < 50; round++) {
    const pids = readProcs(cgroupDir);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

export function removeCgroup(cgroupDir: string | undefined, tries = 40): void {
  if (!cgroupDir) return;
  try {
    rmdirSync(cgroupDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || tries <= 0) return;
    // EBUSY while the kernel finishes reaping the last processes: try again shortly, without
    // blocking the engine.
    killCgroup(cgroupDir);
    setTimeout(() => removeCgroup(cgroupDir, tries - 1), 25).unref?.();
  }
}

// Memory and process-count limits for job processes, with whatever this host offers: a cgroup
// (v2 unified, or the v1 memory and pids controllers) when the engine may create one, else
// `prlimit --as` / `--nproc`, else nothing. The job is inside its groups before it executes a
// single instruction (a process added to a cgroup after spawn could fork first): the sandbox
// (sandbox.ts) enters them as root, and an unsealed attempt's wrapper shell enters them first
// thing. Every wrapper runs by the absolute path found on the engine's own PATH at start: a
// job's PATH (containerOverrides.environment) must never choose what applies its limits. What
// was enforced is recorded on the attempt.
import {
  accessSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobIdentity, JobUsers } from "./job-users";
import { detectSandbox, isDirectory, PRIVATE_DIRS, resolveTool, type SandboxHost } from "./sandbox";

export type MemoryMechanism = "cgroup-v2" | "cgroup-v1" | "rlimit-as" | "none";
export type PidsMechanism = "cgroup-v2" | "cgroup-v1" | "rlimit-nproc" | "none";

/** Wrappers by absolute path (null: not on this host), resolved once from the engine's PATH. */
export interface HostTools {
  sh: string;
  nice: string | null;
  prlimit: string | null;
}

export interface HostLimits {
  mechanism: MemoryMechanism;
  /** `nice` runs here: jobs start below the engine's own priority (JOB_NICE). */
  nice: boolean;
  /** Parent cgroup directory the engine creates per-attempt groups under (memory; v2: all). */
  root?: string;
  /** cgroup v1's pids hierarchy, or v2's unified one when the pids controller is enabled. */
  pids?: { mechanism: "cgroup-v1" | "cgroup-v2"; root: string };
  tools: HostTools;
  /** Whether attempts can be sealed in namespaces of their own (sandbox.ts), and why not. */
  sandbox: SandboxHost;
  /** Which of sandbox.ts's PRIVATE_DIRS exist here. */
  privateDirs: string[];
  /** Which uid jobs run as (job-users.ts). */
  users: JobUsers;
}

export interface AttemptLimits {
  cgroup?: PooledGroup;
  /** cgroup.procs files the job must enter before it runs (memory, and v1's pids). */
  procs: string[];
  /** `prlimit` options where a cgroup is missing (--as, --nproc). */
  rlimits: string[];
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

// cgroup v2: a controller reaches a group's children only through its parent's subtree_control,
// at every level: <root>/batchdeck, then each engine's directory under it (CgroupPool).
const V2_CONTROLLERS = ["memory", "pids"] as const;

function enableV2Controllers(dir: string): string[] {
  const enabled: string[] = [];
  for (const c of V2_CONTROLLERS) {
    try {
      writeFileSync(join(dir, "cgroup.subtree_control"), `+${c}`);
      enabled.push(c);
    } catch {
      // not available (not in cgroup.controllers), or not delegated to us
    }
  }
  return enabled;
}

function tryCgroupRoot(base: string, marker: string): string | undefined {
  if (!existsSync(join(base, marker)) || !writable(base)) return undefined;
  const root = join(base, "batchdeck");
  try {
    mkdirSync(root, { recursive: true });
    if (marker === "cgroup.controllers" && !enableV2Controllers(root).includes("memory")) return undefined;
    return root;
  } catch {
    return undefined;
  }
}

function tryPidsRoot(memory: HostLimits["mechanism"], root: string | undefined): HostLimits["pids"] {
  if (memory === "cgroup-v2" && root) {
    try {
      const enabled = readFileSync(join(root, "cgroup.subtree_control"), "utf8");
      return /\bpids\b/.test(enabled) ? { mechanism: "cgroup-v2", root } : undefined;
    } catch {
      return undefined;
    }
  }
  // v1: the pids hierarchy's root has no pids.max of its own; `tasks` marks a v1 hierarchy.
  const v1 = tryCgroupRoot("/sys/fs/cgroup/pids", "tasks");
  return v1 ? { mechanism: "cgroup-v1", root: v1 } : undefined;
}

export function detectHostLimits(users: JobUsers): HostLimits {
  const tools: HostTools = {
    sh: resolveTool("sh") ?? "/bin/sh",
    nice: resolveTool("nice"),
    prlimit: resolveTool("prlimit"),
  };
  const common = { tools, nice: tools.nice !== null, privateDirs: PRIVATE_DIRS.filter(isDirectory) };
  let sandbox: SandboxHost;
  const trialDir = mkdtempSync(join(tmpdir(), "batchdeck-sandbox-"));
  try {
    sandbox = detectSandbox(trialDir, users.kind !== "engine");
  } finally {
    rmSync(trialDir, { recursive: true, force: true });
  }
  // Said at start by job-users.ts's isolationWarning, which reads it from here.
  const told = !sandbox.available && users.kind !== "engine" ? { ...users, unsealed: sandbox.reason } : users;
  const base = { ...common, sandbox, users: told };
  const v2 = tryCgroupRoot("/sys/fs/cgroup", "cgroup.controllers");
  if (v2) return { ...base, mechanism: "cgroup-v2", root: v2, pids: tryPidsRoot("cgroup-v2", v2) };
  const v1 = tryCgroupRoot("/sys/fs/cgroup/memory", "memory.limit_in_bytes");
  if (v1) return { ...base, mechanism: "cgroup-v1", root: v1, pids: tryPidsRoot("cgroup-v1", v1) };
  return { ...base, mechanism: tools.prlimit ? "rlimit-as" : "none", pids: tryPidsRoot("none", undefined) };
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

/** Empty groups kept for reuse: creating and removing a cgroup costs milliseconds each. */
const POOL_MAX = 64;
/**
 * A released group is reused only when what it is still charged with and nothing can reclaim
 * (anonymous pages, tmpfs and shared memory, dirty pages) is below this: a group still charged
 * with a job's files in a tmpfs the namespace did not own would count them against the next
 * attempt, of any organization, and kill it for memory it never used. Clean page cache carries
 * over: the kernel reclaims it within the next attempt's limit, and emptying it here
 * (memory.force_empty) evicted the host's cache and held the engine 30-40 ms per group.
 */
const REUSE_MAX_PINNED_BYTES = 1024 * 1024;
/** memory.stat keys that no reclaim frees at once: v1, then v2. */
const PINNED = new Set(["rss", "shmem", "dirty", "writeback", "swap", "anon", "file_dirty", "file_writeback"]);

interface PooledGroup {
  dir: string;
  /** v1: the same group in the pids hierarchy (v2: `dir` holds pids.max too). */
  pidsDir?: string;
  /** oom_kill count when handed out: the counter cannot be reset, so compare against it. */
  oomBaseline: number;
  /** cgroup.procs was handed to the attempt's uid (an unsealed attempt enters it as that uid). */
  chowned?: boolean;
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

/** What the group is charged with that reclaim cannot free (memory.stat); null: unreadable. */
function pinnedBytes(dir: string): number | null {
  let stat: string;
  try {
    stat = readFileSync(join(dir, "memory.stat"), "utf8");
  } catch {
    return null;
  }
  let bytes = 0;
  for (const line of stat.split("\n")) {
    const [key, value] = line.split(" ");
    if (key && PINNED.has(key)) bytes += Number(value);
  }
  return bytes;
}

/** The wrapper shell's script for an unsealed attempt: enter every group, then become the job. */
const ENTER_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/**
 * Per-engine cgroups under `<root>/<engineId>/<n>` (and `<pids root>/<engineId>/<n>` on v1),
 * reused between attempts. A restarted engine finds a dead one's groups by its id (recovery)
 * and kills what is left in them.
 */
export class CgroupPool {
  private free: PooledGroup[] = [];
  private seq = 0;
  private baseReady = false;
  readonly base: string | undefined;
  readonly pidsBase: string | undefined;

  constructor(
    readonly host: HostLimits,
    engineId: string,
  ) {
    const name = engineId.replace(/[^A-Za-z0-9_.-]/g, "_");
    this.base = host.root ? join(host.root, name) : undefined;
    this.pidsBase = host.pids ? join(host.pids.root, name) : undefined;
  }

  private acquire(): PooledGroup {
    const reused = this.free.pop();
    if (reused) return { ...reused, oomBaseline: oomCount(reused.dir) };
    if (!this.baseReady) {
      mkdirSync(this.base!, { recursive: true });
      if (this.host.mechanism === "cgroup-v2") enableV2Controllers(this.base!);
      this.baseReady = true;
    }
    const n = String(this.seq++);
    const dir = join(this.base!, n);
    mkdirSync(dir, { recursive: true });
    let pidsDir: string | undefined;
    if (this.host.pids?.mechanism === "cgroup-v1" && this.pidsBase) {
      pidsDir = join(this.pidsBase, n);
      try {
        mkdirSync(pidsDir, { recursive: true });
      } catch {
        pidsDir = undefined;
      }
    }
    return { dir, pidsDir, oomBaseline: oomCount(dir) };
  }

  /**
   * The attempt's groups, limited: memory to `memoryMiB`, processes (threads too) to
   * `pidsLimit`. `sealed`: the sandbox enters the groups as root; otherwise the wrapper shell
   * does, as the attempt's uid, so the procs files are handed to it for the attempt.
   */
  prepare(memoryMiB: number, pidsLimit: number, identity: JobIdentity | null, sealed: boolean): AttemptLimits {
    const host = this.host;
    const bytes = memoryMiB * 1024 * 1024;
    const enforced: Record<string, unknown> = {
      processGroup: true,
      user: identity?.label ?? null,
      ...(identity?.exclusive ? { uidPerAttempt: true } : {}),
    };
    const procs: string[] = [];
    const rlimits: string[] = [];
    let group: PooledGroup | undefined;
    if ((host.mechanism === "cgroup-v1" || host.mechanism === "cgroup-v2") && this.base) {
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
        procs.push(join(dir, "cgroup.procs"));
        enforced.memory = { mechanism: host.mechanism, bytes };
      } catch (error) {
        if (group) this.discard(group);
        group = undefined;
        enforced.memoryError = String(error);
      }
    }
    if (!group) {
      if (host.tools.prlimit) {
        enforced.memory = { mechanism: "rlimit-as", bytes };
        rlimits.push(`--as=${bytes}`);
      } else enforced.memory = { mechanism: "none" };
    }
    // Processes: the same group on v2, its twin in the pids hierarchy on v1.
    const pidsDir = host.pids?.mechanism === "cgroup-v2" ? group?.dir : group?.pidsDir;
    let pids: Record<string, unknown> = { mechanism: "none" };
    if (pidsDir && host.pids) {
      try {
        writeFileSync(join(pidsDir, "pids.max"), String(pidsLimit));
        if (pidsDir !== group?.dir) procs.push(join(pidsDir, "cgroup.procs"));
        pids = { mechanism: host.pids.mechanism, max: pidsLimit };
      } catch (error) {
        enforced.pidsError = String(error);
      }
    }
    // RLIMIT_NPROC counts every process of the uid: a bound on the attempt only where the uid is its own.
    if (pids.mechanism === "none" && identity?.exclusive && host.tools.prlimit) {
      rlimits.push(`--nproc=${pidsLimit}`);
      pids = { mechanism: "rlimit-nproc", max: pidsLimit };
    }
    enforced.pidsLimit = pids;
    if (group && identity && !sealed) {
      for (const file of procs) chownSync(file, identity.uid, identity.gid);
      group.chowned = true;
    }
    return { cgroup: group, procs, rlimits, enforced };
  }

  /**
   * The argument vector of an unsealed attempt (`argv` already behind prlimit where needed): the
   * wrapper shell enters the groups, then nice (by absolute path) runs the job, whose own
   * command resolves through its PATH.
   */
  wrap(limits: AttemptLimits, argv: string[]): string[] {
    const { tools } = this.host;
    const niced = tools.nice ? [tools.nice, "-n", String(JOB_NICE), "--", ...argv] : argv;
    if (limits.procs.length === 0) return niced;
    return [tools.sh, "-c", ENTER_CGROUPS, "batchdeck-enter", ...limits.procs, "--", ...niced];
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
    if (group.chowned) {
      for (const file of limits.procs) {
        try {
          chownSync(file, 0, 0);
        } catch {
          // the group is gone
        }
      }
      group.chowned = false;
    }
    if (this.free.length < POOL_MAX && emptied && this.uncharged(group.dir)) this.free.push(group);
    else this.discard(group);
    return { oomKilled: oom, emptied };
  }

  /** Whether an empty group holds (nearly) nothing the next attempt could not reclaim. */
  private uncharged(dir: string): boolean {
    return (pinnedBytes(dir) ?? Number.POSITIVE_INFINITY) <= REUSE_MAX_PINNED_BYTES;
  }

  /** Removed instead of reused: on rmdir the kernel moves what it is still charged with to the parent. */
  private discard(group: PooledGroup): void {
    removeCgroup(group.dir);
    removeCgroup(group.pidsDir);
  }

  /** On shutdown: remove this engine's groups. */
  close(): void {
    for (const group of this.free.splice(0)) this.discard(group);
    removeCgroup(this.base);
    removeCgroup(this.pidsBase);
  }
}

/** Kills everything left in a dead engine's groups and removes them. */
export function cleanEngineCgroups(host: HostLimits, engineId: string): void {
  const name = engineId.replace(/[^A-Za-z0-9_.-]/g, "_");
  if (host.root) cleanGroupsUnder(join(host.root, name));
  if (host.pids?.mechanism === "cgroup-v1") cleanGroupsUnder(join(host.pids.root, name));
}

function cleanGroupsUnder(base: string): void {
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

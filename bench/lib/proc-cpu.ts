// CPU time of processes measured from outside, from /proc (Linux): a process's utime + stime
// (fields 14 and 15 of /proc/<pid>/stat) covers all of its threads, the ones that have ended
// too; cutime + cstime (16 and 17) add the children it has waited for. A process is read with
// its descendants (a child it spawned and has not reaped is not in its own figures yet), so a
// "process" here is the tree under a pid. The unit is the clock tick (USER_HZ, 100 a second
// on Linux: 10 ms of CPU), which bounds the resolution of a window's figure.
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: the unit of /proc/<pid>/stat's times. 100 on every Linux architecture Node runs on. */
export const TICKS_PER_SECOND = 100;

interface StatLine {
  pid: number;
  /** The command name (field 2), as the kernel keeps it (15 characters at most). */
  comm: string;
  ppid: number;
  /** utime + stime of the process (all its threads), in ticks. */
  own: number;
  /** cutime + cstime: children it has waited for, in ticks. */
  reaped: number;
}

function readStat(pid: number): StatLine | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // gone
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ")".
  const close = text.lastIndexOf(")");
  const f = text.slice(close + 2).split(" ");
  // f[0] is field 3 (state); field N is f[N - 3].
  return {
    pid,
    comm: text.slice(text.indexOf("(") + 1, close),
    ppid: Number(f[1]),
    own: Number(f[11]) + Number(f[12]),
    reaped: Number(f[13]) + Number(f[14]),
  };
}

/** Every process's stat line, read once. */
function allStats(): Map<number, StatLine> {
  const out = new Map<number, StatLine>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) out.set(s.pid, s);
  }
  return out;
}

/** The pids of a process's live children whose command name matches. */
export function childrenNamed(parent: number, name: RegExp): number[] {
  return [...allStats().values()].filter((s) => s.ppid === parent && name.test(s.comm)).map((s) => s.pid);
}

export interface TreeCpu {
  /** Ticks used by the process, its live descendants and the children they have reaped. */
  ticks: number;
  /** The command names of its live descendants (none for a process that spawned nothing). */
  descendants: string[];
  /** False once the root process has gone. */
  alive: boolean;
}

/**
 * CPU ticks of each tree, read at one moment. A descendant that was alive at a window's start
 * and is reaped before its end counts its whole life in the window (it moves into its parent's
 * reaped time); idle processes spawn nothing, and `descendants` names any it did.
 */
export function treeCpu(roots: number[]): Map<number, TreeCpu> {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const s of stats.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const out = new Map<number, TreeCpu>();
  for (const root of roots) {
    const top = stats.get(root);
    if (!top) {
      out.set(root, { ticks: 0, descendants: [], alive: false });
      continue;
    }
    let ticks = 0;
    const descendants: string[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      const s = stats.get(pid);
      if (!s) continue;
      ticks += s.own + s.reaped;
      if (pid !== root) descendants.push(s.comm);
      stack.push(...(children.get(pid) ?? []));
    }
    out.set(root, { ticks, descendants, alive: true });
  }
  return out;
}

/** The command line of a process as its arguments, or null once it has gone. */
export function argvOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return null;
  }
}

/**
 * The PostgreSQL server listening on `port` (its postmaster, whose backends and background
 * processes are its children), found by its command line; null if none is.
 */
export function findPostmaster(port: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = argvOf(Number(entry));
    if (!argv || !/(^|\/)postgres$/.test(argv[0] ?? "")) continue;
    const p = argv.indexOf("-p");
    if (p >= 0 && argv[p + 1] === String(port)) return Number(entry);
  }
  return null;
}

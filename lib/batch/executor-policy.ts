// What a built-in compute environment lets its jobs do on this host, read from its tags, the
// project's one free-form map every AWS client can set (like batchdeck:memoryMiB and
// batchdeck:gpuIds in shapes/compute-environments.ts):
//
//   batchdeck:executor         container | process   absent: the engine picks container when it
//                                                    has a runtime, process otherwise
//   batchdeck:allowPrivileged  true | false          default false
//   batchdeck:hostPaths        /a,/b/c               absolute prefixes a volume's host.sourcePath
//                                                    may be at or under; default none
//   batchdeck:devices          /dev/fuse,/dev/kvm    host devices linuxParameters.devices may
//                                                    name; default none (GPUs are the engine's)
//   batchdeck:pidsLimit        16 … 1,000,000        default 1024
//   batchdeck:diskMiB          0 … 999,999,999       the job's working space; default 10240,
//                                                    "0" = no limit (null)
//   batchdeck:network          bridge | none         default bridge; host is never allowed
//
// Values are checked when tags are written (executorTagProblems: create, the console's edit,
// TagResource); executorPolicyOf is tolerant of whatever was stored before, and a bad value
// reads as its default, which is never more than the default grants.
export type ExecutorKind = "container" | "process";

export interface ExecutorPolicy {
  /** null: not chosen by a tag — the engine picks container when it has a runtime, process otherwise. */
  executor: ExecutorKind | null;
  allowPrivileged: boolean;
  /** Normalized absolute prefixes, without a trailing slash. */
  hostPaths: string[];
  /** Normalized absolute device paths. */
  devices: string[];
  pidsLimit: number;
  /** MiB; null: no limit. */
  diskMiB: number | null;
  network: "bridge" | "none";
}

export const EXECUTOR_TAG = "batchdeck:executor";
export const ALLOW_PRIVILEGED_TAG = "batchdeck:allowPrivileged";
export const HOST_PATHS_TAG = "batchdeck:hostPaths";
export const DEVICES_TAG = "batchdeck:devices";
export const PIDS_LIMIT_TAG = "batchdeck:pidsLimit";
export const DISK_MIB_TAG = "batchdeck:diskMiB";
export const NETWORK_TAG = "batchdeck:network";

export const EXECUTOR_TAGS: readonly string[] = [
  EXECUTOR_TAG,
  ALLOW_PRIVILEGED_TAG,
  HOST_PATHS_TAG,
  DEVICES_TAG,
  PIDS_LIMIT_TAG,
  DISK_MIB_TAG,
  NETWORK_TAG,
];

export const DEFAULT_PIDS_LIMIT = 1024;
export const PIDS_LIMIT_RANGE = [16, 1_000_000] as const;
export const DEFAULT_DISK_MIB = 10_240;

export const DEFAULT_EXECUTOR_POLICY: ExecutorPolicy = {
  executor: null,
  allowPrivileged: false,
  hostPaths: [],
  devices: [],
  pidsLimit: DEFAULT_PIDS_LIMIT,
  diskMiB: DEFAULT_DISK_MIB,
  network: "bridge",
};

/**
 * `path` in its one lexical form ("//a/./b/" → "/a/b"), or null when it is not absolute, holds a
 * `..` segment (which could climb out of whatever prefix it is checked against) or a character
 * a Docker bind cannot carry (`:` separates a bind's fields, `,` its options). Lexical only: a
 * symlink under an allowed prefix is for the engine to resolve (realpath) and check again.
 */
export function normalizeHostPath(path: string): string | null {
  if (!path.startsWith("/") || /[:,\0]/.test(path)) return null;
  const segments = path.split("/");
  if (segments.includes("..")) return null;
  // Without `..`, normalizing is only dropping empty and `.` segments (no node:path: the
  // console's forms may import this module into the browser).
  return `/${segments.filter((s) => s !== "" && s !== ".").join("/")}`;
}

/** Whether `path` is one of `prefixes` or under one, segment by segment (/data does not allow /database). */
export function isUnderHostPath(path: string, prefixes: readonly string[]): boolean {
  const normal = normalizeHostPath(path);
  if (normal === null) return false;
  return prefixes.some((prefix) => normal === prefix || normal.startsWith(prefix === "/" ? "/" : `${prefix}/`));
}

/**
 * Kernel file systems whose entries are "magic" links (/proc/<pid>/root is another process's
 * whole root), where no lexical check means anything; devices go through batchdeck:devices.
 */
const UNBINDABLE_ROOTS = ["/proc", "/sys", "/dev"];

type Parsed<T> = { value: T } | { problem: string };

function list(tag: string, raw: string, check: (path: string) => string | null): Parsed<string[]> {
  if (raw.trim() === "") return { value: [] };
  const out: string[] = [];
  for (const entry of raw.split(",").map((e) => e.trim())) {
    const problem = entry === "" ? "an empty entry" : check(entry);
    if (problem) return { problem: `Tag ${tag} must be a comma-separated list of absolute paths: ${problem}.` };
    out.push(normalizeHostPath(entry)!);
  }
  return { value: [...new Set(out)] };
}

function hostPathProblem(entry: string): string | null {
  const normal = normalizeHostPath(entry);
  if (normal === null) return `"${entry}" is not an absolute path without .. segments, colons or commas`;
  if (normal === "/") return `"/" would let jobs mount the whole host; name the directories they may use`;
  const root = UNBINDABLE_ROOTS.find((r) => normal === r || normal.startsWith(`${r}/`));
  if (root) return `"${entry}" is under ${root}, which jobs may not mount`;
  return null;
}

function deviceProblem(entry: string): string | null {
  const normal = normalizeHostPath(entry);
  if (normal === null || !normal.startsWith("/dev/")) return `"${entry}" is not a device path under /dev/`;
  return null;
}

function wholeNumber(tag: string, raw: string, min: number, max: number, what: string): Parsed<number> {
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) {
    return { problem: `Tag ${tag} must be ${what} from ${min} to ${max.toLocaleString("en-US")} (got "${raw}").` };
  }
  return { value: n };
}

/** Each executor tag that is present, parsed, or the problem with its value. */
function parseTags(tags: Record<string, string>): { [K in keyof ExecutorPolicy]?: Parsed<ExecutorPolicy[K]> } {
  const out: { [K in keyof ExecutorPolicy]?: Parsed<ExecutorPolicy[K]> } = {};
  const executor = tags[EXECUTOR_TAG];
  if (executor !== undefined) {
    out.executor =
      executor === "container" || executor === "process"
        ? { value: executor }
        : { problem: `Tag ${EXECUTOR_TAG} must be container or process (got "${executor}").` };
  }
  const privileged = tags[ALLOW_PRIVILEGED_TAG];
  if (privileged !== undefined) {
    out.allowPrivileged =
      privileged === "true" || privileged === "false"
        ? { value: privileged === "true" }
        : { problem: `Tag ${ALLOW_PRIVILEGED_TAG} must be true or false (got "${privileged}").` };
  }
  const hostPaths = tags[HOST_PATHS_TAG];
  if (hostPaths !== undefined) out.hostPaths = list(HOST_PATHS_TAG, hostPaths, hostPathProblem);
  const devices = tags[DEVICES_TAG];
  if (devices !== undefined) out.devices = list(DEVICES_TAG, devices, deviceProblem);
  const pids = tags[PIDS_LIMIT_TAG];
  if (pids !== undefined) out.pidsLimit = wholeNumber(PIDS_LIMIT_TAG, pids, ...PIDS_LIMIT_RANGE, "a whole number");
  const disk = tags[DISK_MIB_TAG];
  if (disk !== undefined) {
    const parsed = wholeNumber(DISK_MIB_TAG, disk, 0, 999_999_999, "a whole number of MiB (0 for no limit)");
    out.diskMiB = "value" in parsed ? { value: parsed.value === 0 ? null : parsed.value } : parsed;
  }
  const network = tags[NETWORK_TAG];
  if (network !== undefined) {
    out.network =
      network === "bridge" || network === "none"
        ? { value: network }
        : {
            problem:
              network === "host"
                ? `Tag ${NETWORK_TAG} can't be host: jobs never share the host's network; use bridge or none.`
                : `Tag ${NETWORK_TAG} must be bridge or none (got "${network}").`,
          };
  }
  return out;
}

/** The environment's policy; a tag whose value does not parse reads as its default. */
export function executorPolicyOf(tags: Record<string, string>): ExecutorPolicy {
  const parsed = parseTags(tags);
  const pick = <K extends keyof ExecutorPolicy>(key: K): ExecutorPolicy[K] => {
    const p = parsed[key] as Parsed<ExecutorPolicy[K]> | undefined;
    return p && "value" in p ? p.value : DEFAULT_EXECUTOR_POLICY[key];
  };
  return {
    executor: pick("executor"),
    allowPrivileged: pick("allowPrivileged"),
    hostPaths: pick("hostPaths"),
    devices: pick("devices"),
    pidsLimit: pick("pidsLimit"),
    diskMiB: pick("diskMiB"),
    network: pick("network"),
  };
}

/** Messages for bad values, in ClientException wording, for create, edit and TagResource. */
export function executorTagProblems(tags: Record<string, string>): string[] {
  return Object.values(parseTags(tags)).flatMap((p) => (p && "problem" in p ? [p.problem] : []));
}

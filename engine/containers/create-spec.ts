// The Docker Engine API "create container" body (v1.41 field names; Podman serves the same API)
// for one attempt: its resolved container, the execution fields of its definition
// (lib/batch/container-settings.ts) and what its compute environment allows
// (lib/batch/executor-policy.ts). Pure: the runner pulls, creates and supervises.
//
//   Image, Cmd       command replaces the image's CMD; its ENTRYPOINT stays (as on ECS)
//   Env              definition/override variables < secrets < AWS_BATCH_* < GPU variables
//   limits           NanoCpus, Memory, MemorySwap (= Memory unless maxSwap), PidsLimit,
//                    Ulimits (nofile/nproc always set, never above the host's ceiling), ShmSize
//   file systems     Binds (host paths under the environment's batchdeck:hostPaths),
//                    anonymous volumes (Mounts), Tmpfs, ReadonlyRootfs
//   privileges       Privileged only where batchdeck:allowPrivileged; otherwise
//                    no-new-privileges; Devices only from batchdeck:devices (+ the engine's GPUs)
//
// Anything the environment does not allow is refused with a reason (the attempt fails with
// CannotStartContainerError), never quietly dropped or lowered: the job would run with less
// than its definition says and fail later in a way nobody can trace.
//
// Hosted installs (multi-tenant) refuse privileged containers, host paths and host devices
// whatever the tags say: an environment's tags are set by an organization's admins, and each of
// these reaches the host every organization shares (a privileged container or a raw disk device
// is the host's root; a bind of the data directory reads every organization's sealed secrets
// with the key beside them). GPUs, which the engine hands out itself, still work.
//
// Secret values go into Env and nowhere else: never into `enforced` or a reason.
import type { ResolvedContainer } from "@/lib/batch/container";
import { type ContainerExecution, readContainerExecution } from "@/lib/batch/container-settings";
import {
  ALLOW_PRIVILEGED_TAG,
  DEVICES_TAG,
  type ExecutorPolicy,
  HOST_PATHS_TAG,
  isUnderHostPath,
  normalizeHostPath,
} from "@/lib/batch/executor-policy";
import type { ContainerCreateBody, ContainerHostConfig, ContainerMount, ContainerUlimit } from "./docker-api";

export type { ContainerCreateBody };

export const LABELS = {
  job: "batchdeck.job",
  attempt: "batchdeck.attempt",
  attemptId: "batchdeck.attempt-id",
  engine: "batchdeck.engine",
  host: "batchdeck.host",
  /**
   * The Batchdeck installation (its database) that made the container: engines only ever adopt or
   * remove their own installation's, so two installations (or test runs) sharing a runtime never
   * touch each other's containers.
   */
  install: "batchdeck.install",
  /** The GPU ids the attempt holds, comma-separated: an engine adopting the container counts them as in use. */
  gpus: "batchdeck.gpus",
} as const;

export interface CreateSpecInput {
  job: {
    id: string;
    attemptNumber: number;
    attemptId: string;
    arrayIndex: number | null;
    queueName: string;
    environmentName: string;
  };
  container: ResolvedContainer;
  policy: ExecutorPolicy;
  /** Already resolved: name → value. Only the names the definition's `secrets` declare are used. */
  secrets: Record<string, string>;
  /** Host device paths, e.g. /dev/nvidia0 and the control devices (the engine maps GPU ids to them). */
  gpuDevices: string[];
  /**
   * The engine's GPU ids those devices are (ClaimedJob.gpuIds), for NVIDIA_VISIBLE_DEVICES and the
   * gpus label; default: the N of each /dev/nvidiaN.
   */
  gpuIds?: string[];
  engineId: string;
  hostId: string;
  installId: string;
  logPath: string;
  logMaxBytes: number;
  /** k8s-file (Podman: the file is where logPath says) or json-file (Docker: at inspect's LogPath). Default k8s-file. */
  logDriver?: "k8s-file" | "json-file";
  ulimitCeiling: { nofile: number; nproc: number };
  /**
   * Whether the runtime's storage driver enforces StorageOpt size (overlay on xfs with pquota,
   * btrfs, zfs). Elsewhere asking for it fails the create, so diskMiB is then recorded as not
   * enforced. Default false.
   */
  diskQuota?: boolean;
  hosted: boolean;
}

export type CreateSpec =
  | { ok: true; name: string; body: ContainerCreateBody; enforced: Record<string, unknown> }
  | { ok: false; reason: string };

const MiB = 1024 * 1024;
/** Docker's own /dev/shm size, which AWS keeps when sharedMemorySize is not set. */
export const DEFAULT_SHM_MIB = 64;
/**
 * nofile/nproc when the job sets none: explicit values are required (Podman with runc fails on
 * limits above the service's own), and 64 Ki is what Fargate gives and plenty for real jobs.
 */
export const DEFAULT_ULIMIT = 65_536;
/** The ulimits whose hard limit the host caps (runtime.ts ulimitCeiling). */
const CEILINGED = ["nofile", "nproc"] as const;
/**
 * rtprio lets a job take a core with real-time scheduling, nice lets it outrank the engine:
 * only environments trusted with privileged containers may raise them.
 */
const PRIORITY_ULIMITS = ["rtprio", "nice"];
const PERMISSION_LETTERS = { READ: "r", WRITE: "w", MKNOD: "m" } as const;
/** bind/rbind would mount a host path by another road; remount has no meaning at creation. */
const REFUSED_TMPFS_OPTIONS = ["bind", "rbind", "remount"];
const TMPFS_VALUE_OPTIONS = ["mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"];

class Refusal extends Error {}
function refuse(reason: string): never {
  throw new Refusal(reason);
}

/** A Docker container name: [a-zA-Z0-9][a-zA-Z0-9_.-]*; array children (id:index) and node ids (id#n) mapped. */
export function containerName(jobId: string, attemptNumber: number): string {
  return `batchdeck-${jobId.replace(/[^A-Za-z0-9_.-]/g, "-")}-${attemptNumber}`;
}

export function containerCreateSpec(input: CreateSpecInput): CreateSpec {
  try {
    return build(input);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    throw error;
  }
}

function build(input: CreateSpecInput): CreateSpec {
  const { job, container, policy } = input;
  if (!container.image) refuse("the job has no image to run");
  const exec = readContainerExecution(container.extra);
  const privileged = privilegeOf(exec, input);
  const env = environmentOf(exec, input);
  const ulimits = ulimitsOf(exec, input);
  const devices = devicesOf(exec, input);
  const files = fileSystemsOf(exec, input);

  const memory = container.memoryMiB * MiB;
  const { maxSwap, swappiness, sharedMemorySize, initProcessEnabled } = exec.linuxParameters;
  const memorySwap = maxSwap === undefined ? memory : memory + maxSwap * MiB;
  const shmBytes = (sharedMemorySize ?? DEFAULT_SHM_MIB) * MiB;
  const capDrop = input.hosted && !privileged ? ["NET_RAW"] : [];
  const diskBytes = input.diskQuota && policy.diskMiB !== null ? policy.diskMiB * MiB : null;

  const hostConfig: ContainerHostConfig = {
    NanoCpus: Math.round(container.vcpus * 1e9),
    Memory: memory,
    MemorySwap: memorySwap,
    ...(maxSwap !== undefined && swappiness !== undefined ? { MemorySwappiness: swappiness } : {}),
    PidsLimit: policy.pidsLimit,
    Ulimits: ulimits,
    Init: initProcessEnabled,
    ShmSize: shmBytes,
    ReadonlyRootfs: exec.readonlyRootFilesystem,
    Privileged: privileged,
    ...(privileged ? {} : { SecurityOpt: ["no-new-privileges"] }),
    ...(capDrop.length ? { CapDrop: capDrop } : {}),
    Devices: devices,
    ...(files.binds.length ? { Binds: files.binds } : {}),
    ...(files.mounts.length ? { Mounts: files.mounts } : {}),
    ...(Object.keys(files.tmpfs).length ? { Tmpfs: files.tmpfs } : {}),
    NetworkMode: policy.network,
    LogConfig: logConfigOf(input),
    ...(diskBytes !== null ? { StorageOpt: { size: `${policy.diskMiB}M` } } : {}),
    // The engine removes the container itself, after it has read the exit code and the log.
    AutoRemove: false,
  };
  const body: ContainerCreateBody = {
    Image: container.image,
    // An empty command keeps the image's CMD, as AWS does when a definition names none.
    ...(container.command.length ? { Cmd: container.command } : {}),
    Env: env.list,
    ...(exec.user !== undefined ? { User: exec.user } : {}),
    Labels: {
      [LABELS.job]: job.id,
      [LABELS.attempt]: String(job.attemptNumber),
      [LABELS.attemptId]: job.attemptId,
      [LABELS.engine]: input.engineId,
      [LABELS.host]: input.hostId,
      [LABELS.install]: input.installId,
      [LABELS.gpus]: env.gpuIds.join(","),
    },
    HostConfig: hostConfig,
  };
  const enforced: Record<string, unknown> = {
    executor: "container",
    image: container.image,
    cpus: container.vcpus,
    memory: { bytes: memory, swapBytes: memorySwap - memory },
    pidsLimit: policy.pidsLimit,
    network: policy.network,
    readonlyRootFilesystem: exec.readonlyRootFilesystem,
    privileged,
    user: exec.user ?? null,
    ulimits: ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    init: initProcessEnabled,
    shmBytes,
    disk: diskBytes === null ? { mechanism: "none" } : { mechanism: "storage-opt", bytes: diskBytes },
    ...(devices.length ? { devices: devices.map((d) => d.PathInContainer) } : {}),
    ...(files.summary.length ? { mounts: files.summary } : {}),
    ...(capDrop.length ? { capDrop } : {}),
    ...(env.secretNames.length ? { secrets: env.secretNames } : {}),
    ...(env.shadowed.length ? { environmentShadowedBySecrets: env.shadowed } : {}),
  };
  return { ok: true, name: containerName(job.id, job.attemptNumber), body, enforced };
}

function privilegeOf(exec: ContainerExecution, input: CreateSpecInput): boolean {
  if (!exec.privileged) return false;
  if (input.hosted) {
    refuse(
      "privileged containers are not allowed on a hosted installation (they control the host every organization shares)",
    );
  }
  if (!input.policy.allowPrivileged) {
    refuse(
      `privileged containers are not allowed on compute environment ${input.job.environmentName} (tag ${ALLOW_PRIVILEGED_TAG})`,
    );
  }
  return true;
}

/** A variable name Docker's "NAME=value" list can carry (an `=` in it would set another variable). */
function checkName(name: string, what: string) {
  if (name === "" || name.includes("=") || name.includes("\0")) {
    refuse(`${what} name ${JSON.stringify(name)} can't be passed to a container (empty, or contains = or NUL)`);
  }
}

function environmentOf(exec: ContainerExecution, input: CreateSpecInput) {
  const { job } = input;
  const env = new Map<string, string>();
  const secretNames = exec.secrets.map((s) => s.name);
  const shadowed: string[] = [];
  for (const { name, value } of input.container.environment) {
    checkName(name, "environment variable");
    if (value.includes("\0")) refuse(`environment variable ${name} contains a NUL character`);
    // Batch's own names were refused at registration and submission; a stored one still loses.
    if (name.startsWith("AWS_BATCH")) continue;
    // Secrets win over plain variables, as on ECS (lib/batch/shapes/jobs.ts containerOverridesSchema).
    if (secretNames.includes(name)) {
      shadowed.push(name);
      continue;
    }
    env.set(name, value);
  }
  for (const name of secretNames) {
    checkName(name, "secret");
    const value = input.secrets[name];
    if (value === undefined) refuse(`secret ${name} was not resolved`);
    else if (value.includes("\0")) refuse(`the value of secret ${name} contains a NUL character`);
    else env.set(name, value);
  }
  env.set("AWS_BATCH_JOB_ID", job.id);
  env.set("AWS_BATCH_JOB_ATTEMPT", String(job.attemptNumber));
  env.set("AWS_BATCH_JQ_NAME", job.queueName);
  env.set("AWS_BATCH_CE_NAME", job.environmentName);
  if (job.arrayIndex !== null) env.set("AWS_BATCH_JOB_ARRAY_INDEX", String(job.arrayIndex));
  const gpuIds = input.gpuIds ?? input.gpuDevices.flatMap((d) => /^\/dev\/nvidia(\d+)$/.exec(d)?.[1] ?? []);
  // Always set: NVIDIA's runtime hook hands a container the GPUs this names, and CUDA images
  // default it to "all"; "void" gives a job without GPUs none.
  env.set("NVIDIA_VISIBLE_DEVICES", gpuIds.length ? gpuIds.join(",") : "void");
  // Inside the container its GPUs are numbered from 0, whichever host GPUs they are.
  if (gpuIds.length) env.set("CUDA_VISIBLE_DEVICES", gpuIds.map((_, i) => String(i)).join(","));
  return { list: [...env].map(([k, v]) => `${k}=${v}`), secretNames, shadowed, gpuIds };
}

function ulimitsOf(exec: ContainerExecution, input: CreateSpecInput): ContainerUlimit[] {
  const { ulimitCeiling, policy } = input;
  const out: ContainerUlimit[] = [];
  for (const u of exec.ulimits) {
    const ceiling = (CEILINGED as readonly string[]).includes(u.name)
      ? ulimitCeiling[u.name as (typeof CEILINGED)[number]]
      : null;
    if (ceiling !== null && (u.hardLimit === -1 || u.hardLimit > ceiling)) {
      const asked = u.hardLimit === -1 ? "unlimited" : String(u.hardLimit);
      refuse(`ulimit ${u.name} hard limit ${asked} is above this host's limit of ${ceiling}`);
    }
    const trusted = policy.allowPrivileged && !input.hosted;
    if (PRIORITY_ULIMITS.includes(u.name) && (u.softLimit !== 0 || u.hardLimit !== 0) && !trusted) {
      refuse(
        `ulimit ${u.name} above 0 lets a job outrank the engine for the CPU; allowed only where privileged containers are (tag ${ALLOW_PRIVILEGED_TAG})`,
      );
    }
    out.push({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit });
  }
  for (const name of CEILINGED) {
    if (out.some((u) => u.Name === name)) continue;
    const value = Math.min(DEFAULT_ULIMIT, ulimitCeiling[name]);
    out.push({ Name: name, Soft: value, Hard: value });
  }
  return out;
}

function devicesOf(exec: ContainerExecution, input: CreateSpecInput): NonNullable<ContainerHostConfig["Devices"]> {
  const out = input.gpuDevices.map((path) => ({ PathOnHost: path, PathInContainer: path, CgroupPermissions: "rwm" }));
  for (const device of exec.linuxParameters.devices) {
    if (input.hosted) refuse("host devices are not available on a hosted installation");
    const host = normalizeHostPath(device.hostPath);
    if (host === null || !input.policy.devices.includes(host)) {
      refuse(
        `device ${device.hostPath} is not allowed on compute environment ${input.job.environmentName} (tag ${DEVICES_TAG})`,
      );
    }
    const target = containerPath(device.containerPath ?? device.hostPath, "device");
    if (out.some((d) => d.PathInContainer === target)) continue;
    const letters = new Set((device.permissions ?? ["READ", "WRITE", "MKNOD"]).map((p) => PERMISSION_LETTERS[p]));
    out.push({
      PathOnHost: host,
      PathInContainer: target,
      CgroupPermissions: ["r", "w", "m"].filter((l) => letters.has(l as "r")).join(""),
    });
  }
  return out;
}

/** A path inside the container, in one lexical form; `/` itself can't be mounted over. */
function containerPath(path: string, what: string): string {
  const normal = normalizeHostPath(path);
  if (normal === null) refuse(`${what} path ${path} must be absolute, without .. segments, colons or commas`);
  if (normal === "/") refuse(`${what} path / can't be mounted over`);
  return normal;
}

function fileSystemsOf(exec: ContainerExecution, input: CreateSpecInput) {
  const { policy, job } = input;
  const binds: string[] = [];
  const mounts: ContainerMount[] = [];
  const tmpfs: Record<string, string> = {};
  const summary: { containerPath: string; hostPath?: string; readOnly?: true; tmpfsBytes?: number }[] = [];
  const taken = new Set<string>();
  const claim = (target: string) => {
    if (taken.has(target)) refuse(`${target} is mounted more than once`);
    taken.add(target);
  };

  for (const mount of exec.mountPoints) {
    const volume = exec.volumes.find((v) => v.name === mount.sourceVolume);
    if (!volume)
      refuse(`mount point ${mount.containerPath} names volume ${mount.sourceVolume}, which volumes does not define`);
    if (volume.efsVolumeConfiguration) {
      refuse(`volume ${volume.name} is an Amazon EFS volume, which the built-in engine can't mount`);
    }
    const target = containerPath(mount.containerPath, "mount point");
    claim(target);
    const source = volume.host?.sourcePath;
    if (source === undefined) {
      // No host path: AWS lets Docker pick one, which is an anonymous volume; the engine's
      // removal of the container (with its volumes) takes it away.
      mounts.push({ Type: "volume", Target: target, ReadOnly: mount.readOnly });
      summary.push({ containerPath: target, ...(mount.readOnly ? { readOnly: true as const } : {}) });
      continue;
    }
    if (input.hosted) refuse("host paths are not available on a hosted installation");
    const host = normalizeHostPath(source);
    if (host === null || !isUnderHostPath(host, policy.hostPaths)) {
      refuse(
        `volume ${volume.name}: host path ${source} is not under a path allowed on compute environment ${job.environmentName} (tag ${HOST_PATHS_TAG})`,
      );
    }
    binds.push(`${host}:${target}${mount.readOnly ? ":ro" : ""}`);
    summary.push({ containerPath: target, hostPath: host, ...(mount.readOnly ? { readOnly: true as const } : {}) });
  }

  for (const t of exec.linuxParameters.tmpfs) {
    const target = containerPath(t.containerPath, "tmpfs");
    claim(target);
    for (const option of t.mountOptions ?? []) {
      const key = option.split("=")[0] ?? "";
      if (REFUSED_TMPFS_OPTIONS.includes(key))
        refuse(`tmpfs mount option ${key} is not available on the built-in engine`);
      if (TMPFS_VALUE_OPTIONS.includes(key) && !option.includes("=")) {
        refuse(`tmpfs mount option ${key} needs a value (${key}=…)`);
      }
    }
    tmpfs[target] = [`size=${t.size}m`, ...(t.mountOptions ?? [])].join(",");
    summary.push({ containerPath: target, tmpfsBytes: t.size * MiB });
  }
  return { binds, mounts, tmpfs, summary };
}

function logConfigOf(input: CreateSpecInput): NonNullable<ContainerHostConfig["LogConfig"]> {
  const maxSize = String(input.logMaxBytes);
  return input.logDriver === "json-file"
    ? { Type: "json-file", Config: { "max-size": maxSize } }
    : { Type: "k8s-file", Config: { path: input.logPath, "max-size": maxSize } };
}

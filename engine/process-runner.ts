// The process executor: an attempt runs as a process on this host, for hosts without a container
// runtime (or environments tagged `batchdeck:executor=process`).
//
//   uid of its own (when root) → cgroups (memory, pids) → spawn, sealed (sandbox.ts) when the
//   host allows: own PID, mount and IPC namespaces (and network, for network none), the host
//   read-only, a tmpfs of the disk limit for home and /tmp, private /dev/shm → STDOUT/STDERR to
//   the attempt's files → exit → kill what is left of the group, the cgroups and the uid → read
//   the files to their end
//
// Each attempt runs as a uid of its own when the engine is root (job-users.ts): its working
// directory is that uid's alone, and when the attempt ends every process of that uid is killed,
// so nothing it started (background, setsid, nohup, ignoring SIGTERM) outlives it. Sealed, the
// job is PID 1 of its namespace, as in a container without an init process (AWS's default): a
// signal it has no handler for does not stop it, so a terminate ends at SIGKILL after the grace
// period, and when it exits the kernel kills whatever else runs in its namespace.
import { chownSync, closeSync, mkdirSync, realpathSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { readContainerExecution } from "@/lib/batch/container-settings";
import { isUnderHostPath, normalizeHostPath } from "@/lib/batch/executor-policy";
import type { AttemptExit, AttemptRunner, ClaimedJob, RunContext } from "./attempt";
import { type JobIdentities, type JobIdentity, killUid } from "./job-users";
import { type AttemptLimits, type CgroupPool, JOB_NICE } from "./limits";
import { LogCapture } from "./log-capture";
import { logFiles, openForChild } from "./log-files";
import { killJobProcesses } from "./processes";
import { environmentBlock, type SealSpec, sealedArgv, WRAPPER_PATH } from "./sandbox";
import type { SpawnedProcess, Spawner, SpawnRequest } from "./spawner";

export interface ProcessRunnerConfig {
  dataDir: string;
  logCapBytes: number;
  cgroups: CgroupPool;
  identities: JobIdentities;
  /** Forks the attempts (spawner.ts): a small process, whose forks cost less than the engine's. */
  spawner: Spawner;
}

/**
 * The job definition's host volumes, as the process executor honours them: each mount point's
 * host.sourcePath appears at its containerPath (read-only if asked), and only where the compute
 * environment's batchdeck:hostPaths allows the source. Unsealed there are no mounts: a volume
 * is usable only where it already is (containerPath = sourcePath).
 */
function processVolumes(job: ClaimedJob, sealed: boolean): SealSpec["volumes"] {
  const execution = readContainerExecution(job.container.extra);
  const out: SealSpec["volumes"] = [];
  for (const mp of execution.mountPoints) {
    const volume = execution.volumes.find((v) => v.name === mp.sourceVolume);
    if (!volume) throw new Error(`mount point ${mp.containerPath} names no volume ${mp.sourceVolume}`);
    const source = volume.host?.sourcePath;
    if (!source) throw new Error(`volume ${volume.name}: the process executor mounts host.sourcePath volumes only`);
    let real: string;
    try {
      real = realpathSync(source);
    } catch {
      throw new Error(`volume ${volume.name}: ${source} does not exist on this host`);
    }
    // Symlinks resolved first: a link under an allowed prefix must not lead out of it.
    if (!isUnderHostPath(real, job.policy.hostPaths)) {
      throw new Error(`volume ${volume.name}: ${source} is not under the compute environment's batchdeck:hostPaths`);
    }
    const target = normalizeHostPath(mp.containerPath);
    if (!target || target === "/" || /^\/(proc|sys|dev)(\/|$)/.test(target)) {
      throw new Error(`mount point ${mp.containerPath} is not a path a volume may cover`);
    }
    if (!sealed && target !== real) {
      throw new Error(
        `mount point ${mp.containerPath}: this host cannot mount for a job, only use ${real} where it is`,
      );
    }
    out.push({ source: real, target, readOnly: mp.readOnly });
  }
  return out;
}

export class ProcessRunner implements AttemptRunner {
  readonly kind = "process" as const;

  constructor(private readonly config: ProcessRunnerConfig) {}

  async run(ctx: RunContext): Promise<AttemptExit> {
    const { job } = ctx;
    const { cgroups } = this.config;
    const host = cgroups.host;
    // Absolute: the sandbox mounts here. Recovery removes it after a crash, by the attempt's id.
    const attemptDir = join(resolve(this.config.dataDir), "work", job.attemptId);
    const home = join(attemptDir, "home");
    let limits: AttemptLimits = { procs: [], rlimits: [], enforced: {} };
    let enforced: Record<string, unknown> = { executor: "process" };
    const capture = new LogCapture({
      jobId: job.id,
      attempt: job.attemptNumber,
      capBytes: this.config.logCapBytes,
      files: logFiles(this.config.dataDir, job.id, job.attemptNumber),
    });
    // Built from nothing: the engine's own environment (DATABASE_URL, BATCHDECK_*) never reaches a job.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: home,
      TMPDIR: home,
      ...ctx.environment,
      // As in a container: a secret wins over a plain variable of the same name.
      ...ctx.secrets,
    };
    // GPUs by id (a container gets them as devices instead: containers/create-spec.ts).
    if (job.gpuIds.length > 0) env.CUDA_VISIBLE_DEVICES = job.gpuIds.join(",");

    let pid: number | null = null;
    let exit: AttemptExit;
    let identity: JobIdentity | null = null;
    let rest: { oomKilled: boolean } | null = null;
    // A signal asked for while the spawner has not yet said the pid is sent once it has.
    let early: NodeJS.Signals | null = null;
    const signalGroup = (signal: NodeJS.Signals) => {
      if (pid === null) {
        early = signal;
        return;
      }
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone
      }
    };
    ctx.onSignal(signalGroup);
    // The cgroup's leftovers; where there is no cgroup (or it could not be emptied), whatever
    // left the process group still runs as the attempt's uid, or at least carries its job id.
    // kill(-1) as the uid costs a process spawn and the job-id scan reads every process's
    // environment (about 2 ms), so either is spent only when the cgroup cannot vouch. A job
    // sharing the engine's uid could leave its group on purpose, but then it could as well
    // clear the job id the scan looks for: the scan never covered that case.
    const killRest = async () => {
      if (rest) return rest;
      const released = cgroups.release(limits);
      rest = released;
      if (released.emptied) return rest;
      if (identity?.exclusive) await killUid(identity.uid, identity.gid);
      else if (pid !== null) killJobProcesses(job.id);
      return rest;
    };
    try {
      // Inside the try: whatever fails before the process exists fails the attempt (and frees
      // its capacity) instead of leaving the job STARTING.
      // No image supplies a default command on this host.
      if (job.container.command.length === 0)
        throw new Error("the job has no command, and the process executor has no image to take one from");
      identity = this.config.identities.acquire();
      const sandbox = host.sandbox;
      // A namespace holds back a uid, never root (which could undo every mount in it).
      const sealed = sandbox.available && identity !== null && identity.uid !== 0;
      const network = job.policy.network === "none" ? "none" : "host";
      if (network === "none" && !(sandbox.available && sealed && sandbox.netns)) {
        // Refused rather than run on the host's network, which the environment ruled out.
        const why = !sandbox.available ? sandbox.reason : !sealed ? "jobs run as root" : sandbox.netnsReason;
        throw new Error(
          `the compute environment's network is none, and this host cannot give a job a network of its own (${why})`,
        );
      }
      const volumes = processVolumes(job, sealed);
      mkdirSync(attemptDir, { recursive: true, mode: 0o711 });
      if (!sealed) {
        mkdirSync(home, { mode: 0o700 });
        if (identity) chownSync(home, identity.uid, identity.gid);
      }
      limits = cgroups.prepare(job.memoryMiB, job.policy.pidsLimit, identity, sealed);
      const memoryBytes = job.memoryMiB * 1024 * 1024;
      const diskBytes = job.policy.diskMiB === null ? null : job.policy.diskMiB * 1024 * 1024;
      enforced = {
        executor: "process",
        ...limits.enforced,
        ...(sealed || host.tools.nice ? { nice: JOB_NICE } : {}),
        pidNamespace: sealed,
        mountNamespace: sealed,
        ipcNamespace: sealed,
        privateTmp: sealed,
        readOnlyHost: sealed,
        // tmpfs pages are memory: the job's writes count against its memory limit as well.
        diskLimit: sealed ? { mechanism: "tmpfs", bytes: diskBytes, countsAgainstMemory: true } : { mechanism: "none" },
        // "bridge" on the process executor is the host's network (containers get a bridge).
        network,
        ...(sealed ? {} : { unsealed: sandbox.available ? "jobs run as root" : sandbox.reason }),
      };
      const command = job.container.command;
      const limited =
        limits.rlimits.length > 0 && host.tools.prlimit
          ? [host.tools.prlimit, ...limits.rlimits, "--", ...command]
          : command;
      // STDOUT/STDERR go straight to the attempt's files (log-files.ts): what the job wrote
      // survives the engine; the engine tails the files into chunks. Created here, empty, so the
      // guard watches them from before the job can write.
      for (const fd of openForChild(capture.files)) closeSync(fd);
      capture.guard();
      const files = { stdout: capture.files.stdout, stderr: capture.files.stderr };
      let request: SpawnRequest;
      if (sandbox.available && sealed && identity) {
        const [file, ...args] = sealedArgv(
          sandbox,
          {
            uid: identity.uid,
            gid: identity.gid,
            nice: JOB_NICE,
            cgroupProcs: limits.procs,
            attemptDir,
            diskBytes,
            shmBytes: memoryBytes,
            privateDirs: host.privateDirs,
            volumes,
            network,
          },
          limited,
        );
        // The wrappers run as root: an environment of their own (see sandbox.ts); the job's comes on fd 3.
        request = {
          file: file!,
          args,
          cwd: "/",
          env: { PATH: WRAPPER_PATH, AWS_BATCH_JOB_ID: job.id },
          ...files,
          input: environmentBlock(env),
        };
      } else {
        const [file, ...args] = cgroups.wrap(limits, limited);
        request = {
          file: file!,
          args,
          cwd: home,
          env,
          ...files,
          ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
        };
      }
      // Could not start (no such program, say): the catch below fails the attempt with why.
      const spawned: SpawnedProcess = await this.config.spawner.spawn(request);
      pid = spawned.pid;
      if (early) signalGroup(early);
      ctx.started({ pid, enforcedLimits: enforced, capture });
      await capture.open();
      capture.follow();
      const end = await spawned.exited;
      exit = { code: end.code, signal: end.signal, oomKilled: false, ...(end.error ? { error: end.error } : {}) };
      // Nothing the job started may outlive it: its group, its cgroup and its uid are killed
      // as soon as the job's own process ends.
      signalGroup("SIGKILL");
      await killRest();
    } catch (error) {
      signalGroup("SIGKILL");
      exit = { code: null, signal: null, error: error as Error, oomKilled: false };
    }
    const { oomKilled } = await killRest();
    this.config.identities.release(identity);
    // Every byte the job wrote is in the files by now: read them to the end before the outcome.
    await capture.finish().catch((error) => ctx.log(`job ${job.id}: reading its log: ${String(error)}`));
    rmSync(attemptDir, { recursive: true, force: true });
    if (pid === null) ctx.started({ pid: null, enforcedLimits: enforced, capture });
    return { ...exit, oomKilled };
  }
}

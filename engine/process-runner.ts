// The process executor: an attempt runs as a process on this host, for hosts without a container
// runtime (or environments tagged `batchdeck:executor=process`).
//
//   working directory → uid of its own (when root) → memory limit (cgroup, else prlimit) → spawn
//   in its own process group with STDOUT/STDERR to the attempt's files → exit → kill what is left
//   of the group, the cgroup and the uid → read the files to their end
//
// Each attempt runs as a uid of its own when the engine is root (job-users.ts): its working
// directory (0700) is that uid's alone, and when the attempt ends every process of that uid is
// killed, so nothing it started (background, setsid, nohup, ignoring SIGTERM) outlives it.
import { type SpawnOptions, spawn } from "node:child_process";
import { chownSync, closeSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AttemptExit, AttemptRunner, RunContext } from "./attempt";
import { type JobIdentities, type JobIdentity, killUid } from "./job-users";
import type { AttemptLimits, CgroupPool } from "./limits";
import { LogCapture } from "./log-capture";
import { logFiles, openForChild } from "./log-files";
import { killJobProcesses } from "./processes";

export interface ProcessRunnerConfig {
  dataDir: string;
  logCapBytes: number;
  cgroups: CgroupPool;
  identities: JobIdentities;
}

export class ProcessRunner implements AttemptRunner {
  readonly kind = "process" as const;

  constructor(private readonly config: ProcessRunnerConfig) {}

  async run(ctx: RunContext): Promise<AttemptExit> {
    const { job } = ctx;
    const workDir = join(this.config.dataDir, "work", job.attemptId);
    let limits: AttemptLimits = { argv: job.container.command, enforced: {} };
    const capture = new LogCapture({
      jobId: job.id,
      attempt: job.attemptNumber,
      capBytes: this.config.logCapBytes,
      files: logFiles(this.config.dataDir, job.id, job.attemptNumber),
    });
    // Built from nothing: the engine's own environment (DATABASE_URL, BATCHDECK_*) never reaches a job.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: workDir,
      TMPDIR: workDir,
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
    const signalGroup = (signal: NodeJS.Signals) => {
      if (pid === null) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone
      }
    };
    ctx.onSignal(signalGroup);
    // The cgroup's leftovers; where there is no cgroup (or it could not be emptied), whatever
    // left the process group still runs as the attempt's uid, or at least carries its job id.
    // kill(-1) as the uid costs a process spawn, so it is spent only when the cgroup cannot vouch.
    const killRest = async () => {
      if (rest) return rest;
      const released = this.config.cgroups.release(limits);
      rest = released;
      if (identity?.exclusive) {
        if (!released.emptied) await killUid(identity.uid, identity.gid);
      } else if (pid !== null) killJobProcesses(job.id);
      return rest;
    };
    try {
      // Inside the try: whatever fails before the process exists fails the attempt (and frees
      // its capacity) instead of leaving the job STARTING.
      // No image supplies a default command on this host.
      if (job.container.command.length === 0) throw new Error("the job has no command to run");
      identity = this.config.identities.acquire();
      mkdirSync(workDir, { recursive: true, mode: 0o700 });
      if (identity) chownSync(workDir, identity.uid, identity.gid);
      limits = this.config.cgroups.prepare(job.memoryMiB, job.container.command, identity);
      const [file, ...args] = limits.argv;
      // STDOUT/STDERR go straight to the attempt's files (log-files.ts): what the job wrote
      // survives the engine; the engine tails the files into chunks.
      const fds = openForChild(capture.files);
      capture.guard();
      const options: SpawnOptions = {
        cwd: workDir,
        env: env as NodeJS.ProcessEnv,
        detached: true,
        stdio: ["ignore", fds[0], fds[1]],
      };
      if (identity) Object.assign(options, { uid: identity.uid, gid: identity.gid });
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(file!, args, options);
      } finally {
        for (const fd of fds) closeSync(fd);
      }
      // Listening at once: the child may end while the files are being opened below.
      const exited = new Promise<AttemptExit>((resolve) => {
        child.once("error", (error) => resolve({ code: null, signal: null, error, oomKilled: false }));
        child.once("exit", (code, signal) => resolve({ code, signal, oomKilled: false }));
      });
      pid = child.pid ?? null;
      ctx.started({ pid, enforcedLimits: { executor: "process", ...limits.enforced }, capture });
      await capture.open();
      capture.follow();
      exit = await exited;
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
    rmSync(workDir, { recursive: true, force: true });
    if (pid === null) ctx.started({ pid: null, enforcedLimits: { executor: "process", ...limits.enforced }, capture });
    return { ...exit, oomKilled };
  }
}

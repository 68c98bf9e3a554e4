// The container executor: an attempt runs in its job definition's image through the host's
// container runtime (runtime.ts: Podman or Docker, through the Docker Engine API).
//
//   secrets and registry credentials → image (local, else pulled) → create (labels naming the
//   job, attempt, engine and host; limits; the relay's log file) → start → started event →
//   wait → exit code, OOM (oom-watch.ts) → read the log to its end → remove the container
//
// A failed pull ends the attempt with AWS's `CannotPullContainerError: …`; a secret that does
// not exist with `ResourceInitializationError: …`; both are retried per the retry strategy like
// any failed attempt, so neither retries forever. The container outlives an engine killed
// with SIGKILL (the runtime supervises it); recovery (adopt.ts) finds it again by its labels.
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedContainer } from "@/lib/batch/container";
import { type ContainerExecution, readContainerExecution } from "@/lib/batch/container-settings";
import type { Db } from "@/lib/db";
import { resolveJobSecrets } from "@/lib/org-secrets/resolve-job-secrets";
import type { AttemptExit, AttemptRunner, ClaimedJob, RunContext } from "../attempt";
import { logsDir } from "../log-files";
import { containerCreateSpec } from "./create-spec";
import { DockerApiError } from "./docker-api";
import type { KernelOomWatch } from "./oom-watch";
import type { ContainerRuntime } from "./runtime";
import { RuntimeLogCapture } from "./runtime-log";

export interface ContainerRunnerConfig {
  runtime: ContainerRuntime;
  db: Db;
  dataDir: string;
  logCapBytes: number;
  engineId: string;
  hostId: string;
  /** This installation's id (install-id.ts), a label on every container. */
  installId: string;
  hosted: boolean;
  oom: KernelOomWatch;
  /** How often a container's writable layer is measured against its disk limit. */
  diskWatchMs: number;
}

const MiB = 1024 * 1024;

/**
 * The name of the runtime's log file of an attempt. An array child's id has a colon
 * (`<parent>:<index>`), and the runtime hands the path to its relay as `<driver>:<path>`, which
 * conmon cuts at the next colon: every child of an array would write to one file named after the
 * parent and the engine read none. So the colon becomes an underscore (never in a job id).
 */
export const containerLogName = (jobId: string, attempt: number) => `${jobId.replaceAll(":", "_")}.${attempt}.log`;

/** The runtime's log file of an attempt: beside the process executor's files, in the engine's 0700 folder. */
export const containerLogPath = (dataDir: string, jobId: string, attempt: number) =>
  join(logsDir(dataDir), containerLogName(jobId, attempt));

/**
 * The relay's bound on the file: the log limit plus room for its framing (a timestamp and stream
 * tag per line), so an attempt's first `capBytes` of output are in the first file for any but
 * the shortest lines.
 */
export const relayMaxBytes = (capBytes: number) => capBytes + Math.ceil(capBytes / 4) + 1024 * 1024;

/** GPU ids to the host devices that hand them to a container (NVIDIA's device nodes). */
export function gpuDevices(ids: string[]): string[] {
  if (ids.length === 0) return [];
  const devices = ids.map((id) => (id.startsWith("/dev/") ? id : `/dev/nvidia${id}`));
  for (const control of ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"]) {
    if (existsSync(control)) devices.push(control);
  }
  return devices;
}

/** The registry an image reference names, for the credentials sent with a pull. */
export function registryOf(image: string): string {
  const first = image.split("/")[0]!;
  const isHost = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isHost ? first : "docker.io";
}

/**
 * The container with each volume's host path resolved through symlinks, so the environment's
 * allowed prefixes (checked lexically by create-spec.ts) are checked against where the bind
 * really lands: a symlink under an allowed folder pointing at /etc is /etc.
 */
function withRealHostPaths(container: ResolvedContainer, execution: ContainerExecution): ResolvedContainer {
  if (!execution.volumes.some((v) => v.host?.sourcePath)) return container;
  const volumes = execution.volumes.map((v) => {
    const source = v.host?.sourcePath;
    if (!source) return v;
    try {
      return { ...v, host: { ...v.host, sourcePath: realpathSync(source) } };
    } catch {
      return v; // not there: the runtime says so when it creates the container
    }
  });
  return { ...container, extra: { ...container.extra, volumes } };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ContainerRunner implements AttemptRunner {
  readonly kind = "container" as const;
  /** Pulls in flight by image: jobs starting together wait for one pull. */
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(private readonly config: ContainerRunnerConfig) {}

  private pull(image: string, auth?: { username: string; password: string; serveraddress?: string }) {
    let pulling = this.pulls.get(image);
    if (!pulling) {
      pulling = this.config.runtime.api.pullImage(image, auth).finally(() => this.pulls.delete(image));
      this.pulls.set(image, pulling);
    }
    return pulling;
  }

  /** Makes the image present; a reason in AWS's words when it cannot be. */
  private async ensureImage(job: ClaimedJob, credentialsParameter: string | undefined): Promise<string | null> {
    const { api } = this.config.runtime;
    const image = job.container.image;
    if (!image) return "CannotPullContainerError: the job definition names no image";
    try {
      if (await api.imageExists(image)) return null;
    } catch (error) {
      return `CannotPullContainerError: ${message(error)}`;
    }
    let auth: { username: string; password: string; serveraddress: string } | undefined;
    if (credentialsParameter) {
      const found = await resolveJobSecrets(this.config.db, job.organizationId, [
        { name: "REGISTRY_CREDENTIALS", valueFrom: credentialsParameter },
      ]);
      if (!found.ok) return found.reason;
      try {
        const parsed = JSON.parse(found.values.REGISTRY_CREDENTIALS ?? "") as {
          username?: unknown;
          password?: unknown;
        };
        if (typeof parsed.username !== "string" || typeof parsed.password !== "string") throw new Error();
        auth = { username: parsed.username, password: parsed.password, serveraddress: registryOf(image) };
      } catch {
        return 'CannotPullContainerError: repositoryCredentials must name a secret holding {"username": …, "password": …}';
      }
    }
    try {
      await this.pull(image, auth);
      return null;
    } catch (error) {
      return `CannotPullContainerError: ${message(error)}`;
    }
  }

  async run(ctx: RunContext): Promise<AttemptExit> {
    const { job } = ctx;
    const { api } = this.config.runtime;
    const execution = readContainerExecution(job.container.extra);
    const fail = (reason: string): AttemptExit => ({ code: null, signal: null, reason, oomKilled: false });

    const pullProblem = await this.ensureImage(job, execution.repositoryCredentials?.credentialsParameter);
    if (pullProblem) return fail(pullProblem);

    const logPath = containerLogPath(this.config.dataDir, job.id, job.attemptNumber);
    const container = withRealHostPaths(job.container, execution);
    const spec = containerCreateSpec({
      job: {
        id: job.id,
        attemptNumber: job.attemptNumber,
        attemptId: job.attemptId,
        arrayIndex: job.arrayIndex,
        queueName: job.queueName,
        environmentName: job.environmentName,
      },
      container,
      policy: job.policy,
      secrets: ctx.secrets,
      gpuDevices: gpuDevices(job.gpuIds),
      gpuIds: job.gpuIds,
      logDriver: this.config.runtime.logFormat,
      engineId: this.config.engineId,
      hostId: this.config.hostId,
      installId: this.config.installId,
      logPath,
      logMaxBytes: relayMaxBytes(this.config.logCapBytes),
      ulimitCeiling: this.config.runtime.ulimitCeiling,
      hosted: this.config.hosted,
    });
    if (!spec.ok) return fail(`CannotStartContainerError: ${spec.reason}`);
    // A terminate or shutdown that came while the image was pulled: nothing was started.
    if (ctx.stopRequested()) return fail("CannotStartContainerError: stopped before the container started");

    let id: string;
    try {
      ({ Id: id } = await api.createContainer(spec.body, spec.name));
    } catch (error) {
      // A container of this name left by an engine that died before recording it: its attempt
      // was recovered, so it is stale; take it away and try once more.
      if (error instanceof DockerApiError && error.status === 409) {
        await api.removeContainer(spec.name, { force: true }).catch(() => {});
        try {
          ({ Id: id } = await api.createContainer(spec.body, spec.name));
        } catch (again) {
          return fail(`CannotCreateContainerError: ${message(again)}`);
        }
      } else {
        return fail(`CannotCreateContainerError: ${message(error)}`);
      }
    }
    return this.supervise(ctx, id, spec.name, spec.enforced, logPath, { start: true });
  }

  /**
   * A container of an attempt a previous engine started (recovery found it by its labels):
   * its output keeps flowing into the stored log from where that engine stopped, and its exit
   * code is recorded as if nothing had happened.
   */
  adopt(
    ctx: RunContext,
    containerId: string,
    name: string,
    resume: ConstructorParameters<typeof RuntimeLogCapture>[0]["resume"],
  ): Promise<AttemptExit> {
    const logPath = containerLogPath(this.config.dataDir, ctx.job.id, ctx.job.attemptNumber);
    return this.supervise(ctx, containerId, name, { executor: "container", adopted: true }, logPath, {
      start: false,
      resume,
    });
  }

  private async supervise(
    ctx: RunContext,
    id: string,
    name: string,
    enforcedAtCreate: Record<string, unknown> & { disk?: { mechanism?: string; [key: string]: unknown } },
    logPath: string,
    how: { start: boolean; resume?: ConstructorParameters<typeof RuntimeLogCapture>[0]["resume"] },
  ): Promise<AttemptExit> {
    const { job } = ctx;
    const { api } = this.config.runtime;
    let enforced = enforcedAtCreate;
    const capture = new RuntimeLogCapture({
      jobId: job.id,
      attempt: job.attemptNumber,
      capBytes: this.config.logCapBytes,
      path: logPath,
      format: this.config.runtime.logFormat,
      resume: how.resume,
    });
    let stopped = false;
    // Where the runtime cannot limit a container's writable layer (overlay on ext4), the engine
    // watches what it has written and stops it past the environment's batchdeck:diskMiB.
    const diskBytes =
      job.policy.diskMiB === null || enforced.disk?.mechanism === "storage-opt" ? null : job.policy.diskMiB * MiB;
    let diskExceeded = false;
    let diskWatch: NodeJS.Timeout | null = null;
    const watchDisk = () => {
      if (diskBytes === null) return;
      diskWatch = setTimeout(async () => {
        const written = await api.inspectContainer(id, { size: true }).then(
          (i) => i.SizeRw ?? 0,
          () => 0,
        );
        if (stopped) return;
        if (written > diskBytes) {
          diskExceeded = true;
          await api.killContainer(id, "SIGKILL").catch(() => false);
          return;
        }
        watchDisk();
      }, this.config.diskWatchMs);
    };
    if (diskBytes !== null)
      enforced = { ...enforced, disk: { mechanism: "watched", bytes: diskBytes, everyMs: this.config.diskWatchMs } };
    ctx.onSignal((signal) => {
      if (stopped) return;
      api
        .killContainer(id, signal)
        .catch((error) => ctx.log(`job ${job.id}: ${signal} to its container: ${message(error)}`));
    });
    let exit: AttemptExit;
    try {
      if (how.start) await api.startContainer(id);
      // The container's processes are the runtime's to find (its pid is not the engine's to kill).
      ctx.started({ pid: null, enforcedLimits: { ...enforced, container: { id: id.slice(0, 12), name } }, capture });
      capture.follow();
      watchDisk();
      const { StatusCode: code } = await api.waitContainer(id, undefined, {
        podman: this.config.runtime.kind === "podman",
      });
      // Only a failed container can have been killed for memory; the runtime's own flag is asked
      // too (right on Docker and cgroup v2 hosts), the kernel's log decides on cgroup v1.
      const oomKilled =
        code !== 0 &&
        (this.config.oom.oomKilled(id) ||
          (await api.inspectContainer(id).then(
            (i) => i.State.OOMKilled,
            () => false,
          )));
      exit = diskExceeded
        ? {
            code,
            signal: null,
            oomKilled: false,
            reason: `DiskLimitExceeded: the container wrote more than its ${job.policy.diskMiB} MiB of disk (batchdeck:diskMiB)`,
          }
        : { code, signal: null, oomKilled };
    } catch (error) {
      exit = { code: null, signal: null, error: error as Error, oomKilled: false };
      await api.killContainer(id, "SIGKILL").catch(() => false);
    }
    stopped = true;
    if (diskWatch) clearTimeout(diskWatch);
    await capture.finish().catch((error) => ctx.log(`job ${job.id}: reading its log: ${message(error)}`));
    // Its output is read and its exit known: the container goes, beside the outcome's write rather
    // than before it, so its slot is free at once. An engine that dies meanwhile leaves it to the
    // next one's recovery (adopt.ts removes containers of ended attempts).
    void api.removeContainer(id, { force: true }).catch((error) => {
      ctx.log(`job ${job.id}: removing its container: ${message(error)}`);
    });
    return exit;
  }
}

// The engine's lifecycle, startable in-process (tests, benchmarks) or from main.ts:
//
//   standby ──acquire leadership──▶ recover orphans ──▶ leading: scheduling passes, stop
//   requests, time-limit actions, metric samples ──lost leadership──▶ kill own jobs ──▶ standby
//
// Everything it decides is in the database before it acts, so an engine killed at any moment
// is replaced by another (or itself, restarted) that carries on from there.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pruneAutomation } from "@/lib/automation/prune";
import { pruneAwsJobDependencies } from "@/lib/backends/aws/jobs";
import { sampleAwsOrganizations } from "@/lib/backends/aws/metrics";
import { readContainerExecution } from "@/lib/batch/container-settings";
import type { ExecutorKind } from "@/lib/batch/executor-policy";
import { STATUS_REASONS } from "@/lib/batch/states";
import { protectHostFiles } from "@/lib/host-files";
import type { EngineExecutors } from "@/lib/metrics/engine-stats";
import { resolveJobSecrets } from "@/lib/org-secrets/resolve-job-secrets";
import type { AttemptRunner } from "./attempt";
import { Automation } from "./automation";
import { adoptContainers } from "./containers/adopt";
import { ContainerRunner } from "./containers/container-runner";
import { KernelOomWatch } from "./containers/oom-watch";
import { type ContainerRuntime, findContainerRuntime } from "./containers/runtime";
import { Executor } from "./executor";
import { HeadOfQueue } from "./head-of-queue";
import { stopDeadEnginesHere } from "./host-cleanup";
import { Hosts } from "./hosts";
import { installId } from "./install-id";
import { isolationWarning, JobIdentities, resolveJobUsers } from "./job-users";
import { createLeadership } from "./leadership";
import { CgroupPool, detectHostLimits, type HostLimits } from "./limits";
import { ensureLogsDir } from "./log-files";
import { onLogGuardRestart, startLogGuard } from "./log-guard";
import { applyStopRequests } from "./maintenance";
import { compactMetrics } from "./metric-compaction";
import { type EngineOptions, resolveOptions } from "./options";
import { ProcessRunner } from "./process-runner";
import { recoverOrphans } from "./recovery";
import { enforceRetention } from "./retention";
import { pruneMetrics, sampleMetrics } from "./sampler";
import { Scheduler } from "./scheduler";
import { ShareUsage } from "./share-usage";
import { Spawner } from "./spawner";
import { EngineStats } from "./stats";
import { Wakeups } from "./wake";
import { Writer } from "./writer";

export interface EngineHandle {
  engineId: string;
  host: HostLimits;
  /** Which executors this engine has; resolves once it has looked for a container runtime. */
  executors(): Promise<EngineExecutors>;
  /** The container runtime it found, if any. */
  containerRuntime(): Promise<ContainerRuntime | null>;
  isLeader(): boolean;
  /** Resolves when this engine has become leader and finished recovery. */
  leading(): Promise<void>;
  /** Graceful: running jobs are killed and recorded as host-terminated (retryable). */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The loop's longest wait: the periodic duties below are checked at least this often. */
const TICK_MS = 1_000;
/** How often the leader saves fair-share usage for its successor (engine/share-usage.ts). */
/** How soon automation runs again while jobs are changing state (events to route). */
const ACTIVE_AUTOMATION_MS = 50;
const SHARE_SAVE_MS = 2_000;
const PRUNE_MS = 3_600_000;
/** How often a standby looks for a dead engine's jobs on its machine while the leader is elsewhere. */
const HOST_CLEAN_MS = 2_000;
/** How often the leader asks whether deferred attempts (another machine's) may be recovered. */
const DEFERRED_CHECK_MS = 1_000;

export function startEngine(options: EngineOptions): EngineHandle {
  const o = resolveOptions(options);
  for (const change of protectHostFiles(o)) o.log(`tightened ${change}`);
  mkdirSync(join(o.dataDir, "work"), { recursive: true, mode: 0o711 });
  ensureLogsDir(o.dataDir);
  onLogGuardRestart((reason) => o.log(reason, { level: "error" }));
  startLogGuard();
  const host = detectHostLimits(resolveJobUsers(o.runAsUser, o.jobUidRange));
  const warning = isolationWarning(host.users);
  if (warning) o.log(`jobs are not isolated: ${warning}`, { level: "warn" });
  const stats = new EngineStats(o.engineId);
  // Passes run when something may have changed, not on a clock (engine/wake.ts).
  const wakeups = new Wakeups();
  wakeups.listen({ db: o.db, provider: o.provider, databaseUrl: o.databaseUrl, log: o.log });
  stats.wakeups = wakeups.counts;
  // An outcome committed: dependents released, a retry RUNNABLE again.
  const writer = new Writer(o.db, o.engineId, o.logFlushMs, o.log, stats, () => wakeups.signal());
  const cgroups = new CgroupPool(host, o.engineId);
  const spawner = new Spawner(o.log);
  const runners: Partial<Record<ExecutorKind, AttemptRunner>> = {
    process: new ProcessRunner({
      spawner,
      dataDir: o.dataDir,
      logCapBytes: o.logCapBytes,
      cgroups,
      identities: new JobIdentities(host.users),
    }),
  };
  const executor = new Executor({
    killGraceMs: o.killGraceMs,
    // An attempt ended: its slot is free for the next job.
    onSlotFreed: () => wakeups.signal(),
    runners,
    writer,
    log: o.log,
    resolveSecrets: (job) =>
      resolveJobSecrets(o.db, job.organizationId, readContainerExecution(job.container.extra).secrets),
  });
  const usage = new ShareUsage(executor);
  // The container runtime is looked for once, before this engine first leads (Podman's service
  // may take a few seconds to start); the scheduler learns which executors exist from it.
  const oom = new KernelOomWatch();
  let runtime: ContainerRuntime | null = null;
  let install = "";
  const executorsReady: Promise<EngineExecutors> = findContainerRuntime({
    dataDir: o.dataDir,
    // In-process engines (tests, benchmarks) take the setting from the environment as main.ts does.
    setting: o.containerHost ?? process.env.BATCHDECK_CONTAINER_HOST,
    log: (message, fields) => o.log(message, fields),
  })
    .catch((error: Error) => ({ runtime: null, reason: `looking for a container runtime failed: ${error.message}` }))
    .then(async (found) => {
      runtime = found.runtime;
      if (found.runtime) {
        install = await installId(o.db);
        runners.container = new ContainerRunner({
          runtime: found.runtime,
          db: o.db,
          dataDir: o.dataDir,
          logCapBytes: o.logCapBytes,
          engineId: o.engineId,
          hostId: o.hostId,
          installId: install,
          hosted: o.hosted,
          oom,
          diskWatchMs: o.diskWatchMs,
        });
      }
      const executors: EngineExecutors = {
        container: found.runtime
          ? { available: true, runtime: `${found.runtime.kind} ${found.runtime.version}` }
          : { available: false, reason: found.reason },
        process: { available: true },
        // Hosted installs run jobs in containers unless an environment asks for processes.
        default: found.runtime ? "container" : o.hosted ? null : "process",
      };
      stats.executors = executors;
      o.log("executors", {
        container: executors.container.runtime ?? `none: ${executors.container.reason}`,
        default: executors.default ?? "none",
      });
      return executors;
    });
  // What every environment of every organization shares on this machine (engine/options.ts).
  const hostCapacity = { vcpus: o.hostCores * o.vcpuOvercommit, memoryMiB: o.hostMemoryMiB };
  stats.host = { cores: o.hostCores, overcommit: o.vcpuOvercommit, ...hostCapacity };
  const scheduler = new Scheduler(
    o.db,
    o.provider,
    o.engineId,
    executor,
    usage,
    o.windowPerQueue,
    {
      get available() {
        return Object.keys(runners) as ExecutorKind[];
      },
      get default() {
        return stats.executors?.default ?? null;
      },
    },
    hostCapacity,
    stats,
  );
  const heads = new HeadOfQueue(o.db);
  const leadership = createLeadership({ ...o, provider: o.provider, stats: () => stats.toJSON() });
  let stopping = false;
  let term = 0;
  let leadLoop: Promise<void> | null = null;
  let resolveLeading!: () => void;
  const leadingPromise = new Promise<void>((r) => {
    resolveLeading = r;
  });

  // Every engine's sign of life, and what a standby does for the leader when the leader runs on
  // another machine: stop what dead engines of this machine left running (hosts.ts).
  const hosts = new Hosts({
    db: o.db,
    engineId: o.engineId,
    hostId: o.hostId,
    leaseTtlMs: o.leaseTtlMs,
    hostDeadMs: o.hostDeadMs,
  });
  let hostTick: Promise<void> | null = null;
  let lastHostClean = 0;
  const hostTimer = setInterval(() => {
    if (hostTick) return;
    hostTick = (async () => {
      await hosts.heartbeat();
      if (leadership.isLeader() || Date.now() - lastHostClean < HOST_CLEAN_MS) return;
      await executorsReady;
      const leader = await hosts.leader();
      if (!leader || leader.engineId === o.engineId || leader.hostId === null || leader.hostId === o.hostId) return;
      lastHostClean = Date.now();
      await stopDeadEnginesHere({
        db: o.db,
        hosts,
        host,
        hostId: o.hostId,
        installId: install,
        leaderEngineId: leader.engineId,
        runtime,
        log: o.log,
      });
      await hosts.markClean();
    })()
      .catch((error) => o.log("engine heartbeat failed", { level: "warn", error }))
      .finally(() => {
        hostTick = null;
      });
  }, o.leaseRenewMs);
  hostTimer.unref?.();
  const recoverOptions = (adopted: ReadonlySet<string>) => ({
    engineId: o.engineId,
    adopted,
    recoverable: (engineIds: string[]) => hosts.recoverableNow(engineIds),
  });
  /** Dead engines' attempts on another machine, waiting for that machine to stop them. */
  let deferredJobs = 0;

  leadership.onLost(() => {
    term++;
    // The successor will record these attempts as host-terminated; stop them now so they
    // never overlap with its retries. Writes from here on are refused by the lease guard.
    void executor.killAll(STATUS_REASONS.hostTerminated(o.engineId));
  });

  // The AWS organizations' metric round in flight, if any (stop waits for it).
  let awsSampling: Promise<void> | null = null;
  // The retention run in flight, if any: beside the loop, in small pauses, never blocking a pass.
  let retention: Promise<void> | null = null;
  // Schedules and events (engine/automation.ts): beside the loop too, since a fire may call AWS.
  const automation = new Automation(o.db, { hosted: o.hosted, log: o.log, slowMs: o.automationMs });
  let automating: Promise<void> | null = null;

  async function lead(myTerm: number) {
    let lastPass = 0;
    let lastStopCheck = 0;
    let lastHeads = 0;
    let lastShareSave = Date.now();
    let lastSample = Date.now();
    let lastPrune = 0;
    let lastAwsSample = 0;
    let lastRetention = Date.now();
    let lastDeferredCheck = Date.now();
    let lastAutomation = 0;
    // The first pass of a term looks whatever anyone said before it led.
    let again = true;
    while (!stopping && term === myTerm && leadership.isLeader()) {
      const woken = wakeups.take();
      try {
        let now = Date.now();
        // A pass when something may have let a job start (a wake-up, or the last pass started
        // jobs and capacity may remain), else only as the safety net every pollMs: a job that
        // cannot fit is not looked at again until capacity or the queues change.
        if (woken.topology) scheduler.topologyChanged();
        if (again || woken.any || now - lastPass >= o.pollMs) {
          lastPass = now;
          const passStart = performance.now();
          again = (await scheduler.pass()) > 0;
          stats.passDuration.observe((performance.now() - passStart) / 1000);
          now = Date.now();
        }
        // Terminate requests come with a wake-up from whoever made them; the poll is the net.
        if (woken.external || now - lastStopCheck >= o.pollMs) {
          lastStopCheck = now;
          await applyStopRequests(o.db, o.engineId, executor);
        }
        if (now - lastShareSave >= SHARE_SAVE_MS) {
          lastShareSave = now;
          await usage.save(o.db, o.engineId, now);
        }
        if (now - lastHeads >= o.headOfQueueMs) {
          lastHeads = now;
          if ((await heads.run(() => scheduler.capacityView(now), now)) > 0) again = true;
        }
        if (o.sampleMs > 0 && now - lastSample >= o.sampleMs) {
          await sampleMetrics(o.db, lastSample, now);
          lastSample = now;
        }
        // Organizations on AWS Batch: their counts come over the network (seconds when AWS is
        // slow or unreachable), so the round runs beside the scheduling loop, one at a time.
        if (o.sampleMs > 0 && !awsSampling && now - lastAwsSample >= o.awsSampleMs) {
          lastAwsSample = now;
          awsSampling = sampleAwsOrganizations(o.db, now, o.log)
            .catch((error) => o.log("AWS metrics sampling failed", { level: "error", error }))
            .finally(() => {
              awsSampling = null;
            });
        }
        if (o.retentionMs > 0 && !retention && now - lastRetention >= o.retentionMs) {
          lastRetention = now;
          retention = enforceRetention(o.db, {
            now,
            defaults: o.retentionDefaults,
            batchSize: o.retentionBatch.size,
            maxBatches: o.retentionBatch.maxBatches,
            pauseMs: o.retentionBatch.pauseMs,
            cancelled: () => stopping || term !== myTerm || !leadership.isLeader(),
          })
            .then((r) => {
              if (r.logJobs + r.jobsDeleted > 0) {
                o.log("retention", { logJobs: r.logJobs, jobsDeleted: r.jobsDeleted, complete: r.complete });
              }
            })
            .catch((error) => o.log("retention failed", { level: "error", error }))
            .finally(() => {
              retention = null;
            });
        }
        // While jobs move (a wake-up, or a pass that started jobs) their events go out promptly;
        // an idle engine looks every automationMs for due schedules and deliveries.
        const automationEvery = woken.any || again ? Math.min(ACTIVE_AUTOMATION_MS, o.automationMs) : o.automationMs;
        if (o.automationMs > 0 && !automating && now - lastAutomation >= automationEvery) {
          lastAutomation = now;
          automating = automation
            .tick(now, () => stopping || term !== myTerm || !leadership.isLeader())
            .catch((error) => o.log("automation failed", { level: "error", error }))
            .finally(() => {
              automating = null;
            });
        }
        if (deferredJobs > 0 && now - lastDeferredCheck >= DEFERRED_CHECK_MS) {
          lastDeferredCheck = now;
          const before = deferredJobs;
          ({ deferred: deferredJobs } = await recoverOrphans(
            o.db,
            host,
            o.dataDir,
            o.logCapBytes,
            o.log,
            recoverOptions(new Set(executor.running.keys())),
          ));
          // Attempts recovered at last: their jobs may be RUNNABLE again.
          if (deferredJobs < before) again = true;
        }
        if (now - lastPrune >= PRUNE_MS) {
          lastPrune = now;
          await hosts.prune(now);
          await pruneMetrics(o.db, now);
          await compactMetrics(o.db, now);
          await pruneAwsJobDependencies(o.db, now);
          await pruneAutomation(o.db, now);
        }
      } catch (error) {
        o.log("scheduling pass failed", { level: "error", error });
        again = true;
        await sleep(Math.min(o.pollMs, 1_000));
        continue;
      }
      // Busy: go again at once (capacity may remain); else wait for a wake-up, checking the
      // periodic duties at least every TICK_MS.
      if (!again) await wakeups.wait(Math.min(o.pollMs, TICK_MS));
    }
  }

  const main = (async () => {
    while (!stopping) {
      await executorsReady;
      try {
        await leadership.acquire();
      } catch {
        return; // stopped while waiting
      }
      const myTerm = term;
      try {
        await usage.load(o.db);
      } catch (error) {
        o.log("could not read the fair-share usage the previous leader saved", { level: "warn", error });
      }
      o.log("leading", { engineId: o.engineId, memoryLimits: host.mechanism, jobsRunAs: describeUsers(host.users) });
      try {
        const containerRunner = runners.container as ContainerRunner | undefined;
        const adopted =
          runtime && containerRunner
            ? await adoptContainers({
                db: o.db,
                runtime,
                runner: containerRunner,
                executor,
                engineId: o.engineId,
                hostId: o.hostId,
                installId: install,
                dataDir: o.dataDir,
                log: o.log,
              })
            : new Set<string>();
        ({ deferred: deferredJobs } = await recoverOrphans(
          o.db,
          host,
          o.dataDir,
          o.logCapBytes,
          o.log,
          recoverOptions(adopted),
        ));
      } catch (error) {
        o.log("recovery failed", { level: "error", error });
        await sleep(1_000);
        continue;
      }
      resolveLeading();
      leadLoop = lead(myTerm);
      await leadLoop;
      if (!stopping) {
        await executor.idle();
        await writer.drain();
      }
    }
  })();

  return {
    engineId: o.engineId,
    host,
    executors: () => executorsReady,
    containerRuntime: async () => {
      await executorsReady;
      return runtime;
    },
    isLeader: () => leadership.isLeader(),
    leading: () => leadingPromise,
    async stop() {
      stopping = true;
      wakeups.close();
      clearInterval(hostTimer);
      await hostTick;
      await leadLoop;
      await awsSampling;
      await retention;
      await automating;
      await executor.killAll(STATUS_REASONS.hostTerminated(o.engineId));
      // A database that is gone must not hold shutdown forever; recovery covers what is unwritten.
      await Promise.race([writer.drain(), sleep(10_000)]);
      if (leadership.isLeader()) {
        await usage.save(o.db, o.engineId).catch((error) => o.log("saving fair-share usage failed", { error }));
      }
      await leadership.stop();
      await main;
      writer.stop();
      spawner.close();
      cgroups.close();
      oom.close();
      // The Podman service this engine started, if any (containers do not need it to run).
      (runtime as ContainerRuntime | null)?.close();
    },
  };
}

function describeUsers(users: HostLimits["users"]): string {
  if (users.kind === "per-attempt") return `a uid of their own from ${users.first}-${users.last}`;
  if (users.kind === "user") return users.name;
  return "the engine's user";
}

// On taking leadership, before recovery (recovery.ts) fails what a dead engine left: the
// containers this host's runtime still holds for Batchdeck, found by their labels.
//
//   container of an attempt still STARTING/RUNNING, started → adopted: this engine takes the
//     job's lease and supervises the container as if it had started it (its output keeps
//     flowing into the stored log from where the dead engine stopped, its exit code is recorded)
//   container never started (the engine died between create and start) → removed; recovery
//     retries the attempt
//   container of an attempt that has ended, or of a job that moved on → removed, with its log
//
// Only containers this host ran (label batchdeck.host) are considered: another machine's
// engine answers for its own.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseResolvedContainer } from "@/lib/batch/container";
import { executorPolicyOf } from "@/lib/batch/executor-policy";
import { parseEvaluateOnExit } from "@/lib/batch/retry";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import type { EngineLog } from "@/lib/log";
import type { ClaimedJob } from "../attempt";
import type { Executor } from "../executor";
import { STREAMS, type StreamName, type StreamResume } from "../log-capture";
import { logsDir } from "../log-files";
import { type ContainerRunner, containerLogName } from "./container-runner";
import { LABELS } from "./create-spec";
import type { ContainerSummary } from "./docker-api";
import type { ContainerRuntime } from "./runtime";

type Resume = Record<StreamName, StreamResume> & { truncated: boolean; bytes: number };

/** Where the stored log of an attempt ends in the relay's file, per stream, and how much is stored. */
async function storedEnd(db: Db, jobId: string, attempt: number): Promise<Resume> {
  const out = { truncated: false, bytes: 0 } as Resume;
  for (const stream of STREAMS) {
    const last = await db.logChunk.findFirst({
      where: { jobId, attempt, stream },
      orderBy: { seq: "desc" },
      select: { seq: true, fileOffset: true },
    });
    if (!last) {
      out[stream] = { offset: 0, seq: 0 };
      continue;
    }
    if (last.fileOffset !== null && last.fileOffset < 0) out.truncated = true;
    out[stream] = { offset: Math.max(0, Number(last.fileOffset ?? 0)), seq: last.seq + 1 };
  }
  // Characters, not bytes: close enough to decide when the log limit is reached.
  const [sum] = await db.$queryRaw<{ n: bigint | number | null }[]>`
    SELECT SUM(LENGTH("data")) AS "n" FROM "LogChunk" WHERE "jobId" = ${jobId} AND "attempt" = ${attempt}`;
  out.bytes = Number(sum?.n ?? 0);
  return out;
}

function attemptKey(labels: Record<string, string> | null): { jobId: string; attempt: number } | null {
  const jobId = labels?.[LABELS.job];
  const attempt = Number(labels?.[LABELS.attempt]);
  return jobId && Number.isInteger(attempt) && attempt > 0 ? { jobId, attempt } : null;
}

export interface AdoptOptions {
  db: Db;
  runtime: ContainerRuntime;
  runner: ContainerRunner;
  executor: Executor;
  engineId: string;
  hostId: string;
  installId: string;
  dataDir: string;
  log: EngineLog;
}

/** Returns the ids of the jobs adopted: recovery leaves them alone. */
export async function adoptContainers(o: AdoptOptions): Promise<Set<string>> {
  const adopted = new Set<string>();
  // This installation's containers on this machine: another Batchdeck's (or test run's) sharing
  // the runtime are not ours to adopt or remove.
  const all = await o.runtime.api.listContainers({ all: true, labels: [`${LABELS.install}=${o.installId}`] });
  const ours = all.filter((c) => (c.Labels?.[LABELS.host] ?? o.hostId) === o.hostId);
  const byJob = new Map<string, ContainerSummary[]>();
  for (const c of ours) {
    const key = attemptKey(c.Labels);
    if (!key) continue;
    byJob.set(key.jobId, [...(byJob.get(key.jobId) ?? []), c]);
  }
  const jobIds = [...byJob.keys()];
  const jobs =
    jobIds.length === 0
      ? []
      : await o.db.job.findMany({
          where: { id: { in: jobIds } },
          select: {
            id: true,
            organizationId: true,
            status: true,
            attemptCount: true,
            attemptsAllowed: true,
            retryStrategy: true,
            container: true,
            arrayIndex: true,
            timeoutSeconds: true,
            vcpus: true,
            memoryMiB: true,
            jobQueueId: true,
            shareIdentifier: true,
            computeEnvironmentId: true,
            jobQueue: { select: { name: true } },
            jobDefinition: { select: { name: true } },
          },
        });
  const jobOf = new Map(jobs.map((j) => [j.id, j]));
  const environments = new Map(
    (
      await o.db.computeEnvironment.findMany({
        where: { id: { in: [...new Set(jobs.map((j) => j.computeEnvironmentId).filter((id) => id !== null))] } },
        select: { id: true, name: true, tags: true },
      })
    ).map((e) => [e.id, e]),
  );
  const keep = new Set<string>();
  for (const [jobId, containers] of byJob) {
    // Adopted already (a recovery that failed halfway and runs again): keep it as it is.
    if (o.executor.has(jobId)) {
      adopted.add(jobId);
      for (const c of containers) {
        const key = attemptKey(c.Labels)!;
        keep.add(containerLogName(jobId, key.attempt));
      }
      continue;
    }
    const job = jobOf.get(jobId);
    for (const c of containers) {
      const key = attemptKey(c.Labels)!;
      const current =
        job &&
        (ON_HOST_STATUSES as readonly string[]).includes(job.status) &&
        key.attempt === Math.max(1, job.attemptCount) &&
        c.State !== "created" &&
        !adopted.has(jobId);
      const environment = job?.computeEnvironmentId ? environments.get(job.computeEnvironmentId) : undefined;
      if (!current || !job || !environment) {
        await o.runtime.api.removeContainer(c.Id, { force: true }).catch(() => {});
        continue;
      }
      const attemptRow = await o.db.jobAttempt.findUnique({
        where: { jobId_attemptNumber: { jobId, attemptNumber: key.attempt } },
        select: { id: true, startedAt: true, logStreamName: true },
      });
      // The job is this engine's from now on: its writes are guarded by the lease owner.
      const took = await o.db.job.updateMany({
        where: { id: jobId, status: { in: [...ON_HOST_STATUSES] }, attemptCount: job.attemptCount },
        data: { leaseOwner: o.engineId },
      });
      if (took.count === 0) {
        await o.runtime.api.removeContainer(c.Id, { force: true }).catch(() => {});
        continue;
      }
      const attemptId = attemptRow?.id ?? c.Labels?.[LABELS.attemptId] ?? c.Id.slice(0, 24);
      const claimed: ClaimedJob = {
        id: jobId,
        organizationId: job.organizationId,
        attemptNumber: key.attempt,
        attemptId,
        attemptsAllowed: job.attemptsAllowed,
        evaluateOnExit: parseEvaluateOnExit(job.retryStrategy),
        container: parseResolvedContainer(job.container),
        arrayIndex: job.arrayIndex,
        queueName: job.jobQueue.name,
        environmentId: environment.id,
        environmentName: environment.name,
        executor: "container",
        policy: executorPolicyOf(safeTags(environment.tags)),
        logStreamName: attemptRow?.logStreamName ?? `${job.jobDefinition.name.slice(0, 200)}/default/${attemptId}`,
        timeoutSeconds: job.timeoutSeconds,
        vcpus: job.vcpus,
        memoryMiB: job.memoryMiB,
        gpuIds: (c.Labels?.[LABELS.gpus] ?? "").split(",").filter(Boolean),
        shareKey: `${job.jobQueueId}\u0000${job.shareIdentifier ?? ""}`,
      };
      const resume = await storedEnd(o.db, jobId, key.attempt);
      o.executor.adopt(claimed, {
        startedAt: attemptRow?.startedAt ? Number(attemptRow.startedAt) : c.Created * 1000,
        recorded: attemptRow !== null,
        run: (ctx) => o.runner.adopt(ctx, c.Id, (c.Names[0] ?? c.Id).replace(/^\//, ""), resume),
      });
      adopted.add(jobId);
      keep.add(containerLogName(jobId, key.attempt));
    }
  }
  removeStaleLogs(o.dataDir, keep);
  if (adopted.size > 0) o.log("adopted containers left running by a previous engine", { adopted: adopted.size });
  return adopted;
}

function safeTags(json: string): Record<string, string> {
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The relay's files of containers that are gone (their attempts were recorded or are recovered). */
function removeStaleLogs(dataDir: string, keep: Set<string>): void {
  let names: string[];
  try {
    names = readdirSync(logsDir(dataDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (name.endsWith(".log") && !keep.has(name)) rmSync(join(logsDir(dataDir), name), { force: true });
  }
}

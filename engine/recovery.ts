// On taking leadership, before running anything: every job still STARTING or RUNNING belongs
// to an engine that is gone (crashed, killed, or lost its lease). Whatever is left of its
// processes is killed, and the attempt is recorded as failed because its host went away
// (AWS: "Host EC2 (instance …) terminated.", which is retryable), then retried per its
// retry strategy, so no job is lost and none runs twice at once. What the attempt wrote to its
// log files after the last stored chunk is stored first (the processes are dead by then, so
// the files no longer change), then the files go.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { decideRetry, parseEvaluateOnExit } from "@/lib/batch/retry";
import { ON_HOST_STATUSES, STATUS_REASONS } from "@/lib/batch/states";
import type { Db, Tx } from "@/lib/db";
import { newId } from "@/lib/ids";
import type { EngineLog } from "@/lib/log";
import { killUid } from "./job-users";
import { cleanEngineCgroups, type HostLimits } from "./limits";
import { LogCapture, type LogChunkRow, STREAMS, type StreamName, type StreamResume } from "./log-capture";
import { listLogFiles, logFiles, removeLogFiles } from "./log-files";
import { type AttemptOutcome, applyOutcomes } from "./outcomes";
import { jobProcesses } from "./processes";

// Two bound parameters per job in the attempt lookup; Prisma allows 999 on SQLite.
const BATCH = 400;
const RESCAN_MS = 100;
const LOG_ROWS_PER_STATEMENT = 200;

/** Where the stored log of each stream of an attempt ends; null: nothing may be resumed. */
async function storedEnd(
  db: Db,
  jobId: string,
  attempt: number,
): Promise<(Record<StreamName, StreamResume> & { truncated: boolean }) | null> {
  const out = { truncated: false } as Record<StreamName, StreamResume> & { truncated: boolean };
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
    // Written before log files existed: nothing to resume from.
    if (last.fileOffset === null) return null;
    if (last.fileOffset < 0) out.truncated = true;
    out[stream] = { offset: Number(last.fileOffset), seq: last.seq + 1 };
  }
  return out;
}

/**
 * Stores what an orphaned attempt wrote after its last stored chunk, exactly once: the chunks
 * carry their file offsets, so running this again after a crash halfway resumes from there.
 */
async function ingestLeftover(db: Db, dataDir: string, jobId: string, attempt: number, capBytes: number) {
  const resume = await storedEnd(db, jobId, attempt);
  if (!resume || resume.truncated) return;
  const capture = new LogCapture({ jobId, attempt, capBytes, files: logFiles(dataDir, jobId, attempt), resume });
  await capture.open();
  await capture.finish();
  const rows = capture.take();
  if (rows.length === 0) return;
  await db.$transaction(async (tx) => insertChunks(tx, rows), { timeout: 60_000, maxWait: 60_000 });
}

async function insertChunks(tx: Tx, rows: LogChunkRow[]) {
  for (let i = 0; i < rows.length; i += LOG_ROWS_PER_STATEMENT) {
    await tx.logChunk.createMany({ data: rows.slice(i, i + LOG_ROWS_PER_STATEMENT) });
  }
}

/**
 * Log files of attempts no engine runs any more (their last chunks were committed but the
 * engine died before removing them, or they were recovered just now). Files of jobs still on
 * a host belong to a live engine sharing this data directory and are left alone.
 */
async function sweepLogFiles(db: Db, dataDir: string) {
  const all = listLogFiles(dataDir);
  for (let i = 0; i < all.length; i += BATCH) {
    const part = all.slice(i, i + BATCH);
    const live = await db.job.findMany({
      where: { id: { in: part.map((f) => f.jobId) }, status: { in: [...ON_HOST_STATUSES] } },
      select: { id: true, attemptCount: true },
    });
    const running = new Set(live.map((j) => `${j.id}.${Math.max(1, j.attemptCount)}`));
    for (const f of part) if (!running.has(`${f.jobId}.${f.attempt}`)) removeLogFiles(f.files);
  }
}

export async function recoverOrphans(
  db: Db,
  host: HostLimits,
  dataDir: string,
  logCapBytes: number,
  log: EngineLog,
  options: {
    /** This engine: its own attempts are never orphans. */
    engineId?: string;
    /** Jobs whose containers this engine adopted (containers/adopt.ts): they still run. */
    adopted?: ReadonlySet<string>;
    /**
     * Which of these dead engines' attempts may be recovered now (hosts.ts): another machine's
     * wait until that machine has stopped them. Default: all.
     */
    recoverable?: (engineIds: string[]) => Promise<Set<string>>;
  } = {},
): Promise<{ recovered: number; deferred: number }> {
  const adopted = [...(options.adopted ?? [])];
  const onHost = { status: { in: [...ON_HOST_STATUSES] }, id: { notIn: adopted } };
  const owners = (await db.job.findMany({ where: onHost, distinct: ["leaseOwner"], select: { leaseOwner: true } }))
    .map((j) => j.leaseOwner)
    .filter((o): o is string => o !== null && o !== options.engineId);
  const ready = options.recoverable ? await options.recoverable(owners) : new Set(owners);
  const deferred = owners.filter((o) => !ready.has(o));
  const deferredJobs = deferred.length ? await db.job.count({ where: { ...onHost, leaseOwner: { in: deferred } } }) : 0;
  let recovered = 0;
  const deadEngines = new Set<string>();
  for (;;) {
    const jobs = await db.job.findMany({
      where: { ...onHost, OR: [{ leaseOwner: null }, { leaseOwner: { in: [...ready] } }] },
      take: BATCH,
      select: {
        id: true,
        attemptCount: true,
        attemptsAllowed: true,
        retryStrategy: true,
        leaseOwner: true,
        stopRequest: true,
        stopReason: true,
        computeEnvironmentId: true,
      },
    });
    if (jobs.length === 0) break;
    const processes = jobProcesses();
    // A process the dead engine was forking at the moment it died carries the job's
    // environment only once it has exec'd: look again a moment later.
    await new Promise((r) => setTimeout(r, RESCAN_MS));
    for (const [jobId, pids] of jobProcesses()) processes.set(jobId, [...(processes.get(jobId) ?? []), ...pids]);
    // An adopted container's processes carry their job's id too: they are not orphans.
    for (const jobId of adopted) processes.delete(jobId);
    const attempts = await db.jobAttempt.findMany({
      where: { OR: jobs.map((j) => ({ jobId: j.id, attemptNumber: Math.max(1, j.attemptCount) })) },
    });
    const attemptOf = new Map(attempts.map((a) => [a.jobId, a]));
    const now = Date.now();
    const missing: { id: string; jobId: string; attemptNumber: number; computeEnvironmentId: string | null }[] = [];
    const outcomes: AttemptOutcome[] = [];
    for (const job of jobs) {
      const attempt = attemptOf.get(job.id);
      for (const pid of processes.get(job.id) ?? []) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // The attempt's own uid, when it had one: whatever it started, even with its environment
      // cleared. A uid the dead engine handed out but never recorded is never handed out again
      // while any process runs as it (JobIdentities).
      const uid = attemptUid(attempt?.enforcedLimits);
      if (uid !== null && host.users.kind === "per-attempt" && uid >= host.users.first && uid <= host.users.last) {
        await killUid(uid, uid);
      }
      // Processes that left the process group are still in the dead engine's cgroups.
      const deadEngine = attempt?.engineId ?? job.leaseOwner;
      if (deadEngine && !deadEngines.has(deadEngine)) {
        deadEngines.add(deadEngine);
        cleanEngineCgroups(host, deadEngine);
      }
      // Died between claim and spawn record: the attempt still counts, so it gets its row.
      const attemptId = attempt?.id ?? newId();
      if (!attempt) {
        missing.push({
          id: attemptId,
          jobId: job.id,
          attemptNumber: Math.max(1, job.attemptCount),
          computeEnvironmentId: job.computeEnvironmentId,
        });
      }
      rmSync(join(dataDir, "work", attemptId), { recursive: true, force: true });
      const terminated = job.stopRequest === "TERMINATE";
      const statusReason = terminated
        ? (job.stopReason ?? "Terminated")
        : STATUS_REASONS.hostTerminated(job.leaseOwner ?? "unknown");
      const decision = decideRetry({
        attempt: Math.max(1, job.attemptCount),
        attemptsAllowed: job.attemptsAllowed,
        evaluateOnExit: parseEvaluateOnExit(job.retryStrategy),
        exitCode: null,
        reason: null,
        statusReason,
        stopKind: terminated ? "TERMINATE" : "NONE",
      });
      outcomes.push({
        jobId: job.id,
        attemptId,
        exitCode: null,
        reason: null,
        statusReason,
        stoppedAt: now,
        result: decision.action === "RETRY" ? "retry" : terminated ? "terminate" : "fail",
      });
    }
    // The processes are killed above: the files are final. Stored before the outcome, so the
    // attempt is never seen ended with part of its log still missing.
    for (const job of jobs) await ingestLeftover(db, dataDir, job.id, Math.max(1, job.attemptCount), logCapBytes);
    await db.$transaction(
      async (tx) => {
        if (missing.length > 0) {
          await tx.jobAttempt.createMany({ data: missing.map((m) => ({ ...m, logStreamName: "" })) });
        }
        await applyOutcomes(tx, null, outcomes, now);
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
    recovered += jobs.length;
    for (const job of jobs) removeLogFiles(logFiles(dataDir, job.id, Math.max(1, job.attemptCount)));
  }
  await sweepLogFiles(db, dataDir);
  if (recovered > 0) log("recovered jobs left on host by a previous engine", { level: "warn", recovered });
  if (deferredJobs > 0) {
    log("waiting for another machine to stop a dead engine's jobs before retrying them", {
      level: "warn",
      jobs: deferredJobs,
      engines: deferred,
    });
  }
  return { recovered, deferred: deferredJobs };
}

/** The uid recorded for an attempt that ran as a uid of its own (limits.ts `enforced`). */
function attemptUid(enforcedLimits: string | undefined): number | null {
  if (!enforcedLimits) return null;
  try {
    const e = JSON.parse(enforcedLimits) as { user?: unknown; uidPerAttempt?: unknown };
    return e.uidPerAttempt === true && typeof e.user === "number" ? e.user : null;
  } catch {
    return null;
  }
}

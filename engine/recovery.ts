// On taking leadership, before running anything: every job still STARTING or RUNNING belongs
// to an engine that is gone (crashed, killed, or lost its lease). Whatever is left of its
// processes is killed, and the attempt is recorded as failed because its host went away
// (AWS: "Host EC2 (instance …) terminated.", which is retryable), then retried per its
// retry strategy, so no job is lost and none runs twice at once.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { decideRetry, parseEvaluateOnExit } from "@/lib/batch/retry";
import { ON_HOST_STATUSES, STATUS_REASONS } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import type { EngineLog } from "@/lib/log";
import { cleanEngineCgroups, type HostLimits } from "./limits";
import { type AttemptOutcome, applyOutcomes } from "./outcomes";

// Two bound parameters per job in the attempt lookup; Prisma allows 999 on SQLite.
const BATCH = 400;
const RESCAN_MS = 100;

/**
 * Every process on this host that carries AWS_BATCH_JOB_ID in its environment, by job id. The
 * environment is the one mark a job's processes cannot shed by leaving the process group, and
 * it is there even when the engine died before recording the attempt's pid.
 */
function jobProcesses(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const pid of entries) {
    try {
      const m = /(?:^|\0)AWS_BATCH_JOB_ID=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "latin1"));
      if (!m) continue;
      const list = out.get(m[1]!);
      if (list) list.push(Number(pid));
      else out.set(m[1]!, [Number(pid)]);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

export async function recoverOrphans(db: Db, host: HostLimits, dataDir: string, log: EngineLog) {
  let recovered = 0;
  const deadEngines = new Set<string>();
  for (;;) {
    const jobs = await db.job.findMany({
      where: { status: { in: [...ON_HOST_STATUSES] } },
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
        result: decision.action === "RETRY" ? "RETRY" : "FAILED",
      });
    }
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
  }
  if (recovered > 0) log("recovered jobs left on host by a previous engine", { level: "warn", recovered });
  return recovered;
}

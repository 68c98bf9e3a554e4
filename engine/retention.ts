// Retention of finished jobs and their logs (Settings → Retention, lib/retention/settings.ts),
// enforced by the leader beside its scheduling loop. The work is cut small so it never holds
// the database for long: at most batchSize jobs per transaction, a pause between
// transactions, and at most maxBatches transactions per run (the rest waits for the next run).
//
//   logs: log chunks of jobs that stopped before now − logDays, oldest first. Progress is kept
//         per organization (RetentionSetting.logsPurgedThrough, a stoppedAt), so each run
//         starts where the last one stopped instead of re-reading jobs whose logs are gone.
//   jobs: jobs stopped before now − jobDays, with their attempts, log chunks and dependency
//         edges. Never a job that is not SUCCEEDED/FAILED, never one a job that is not finished
//         depends on, never an array child on its own: an array goes as a whole once the parent
//         and every child are finished and nothing unfinished depends on any of them (children
//         first, in batches, the parent last, so an interrupted run leaves the parent to finish
//         the job next time and never an orphaned child).
//   log bytes: an organization with a "Log bytes kept" quota (OrganizationQuota.maxLogBytes,
//         lib/quotas) whose stored logs (LogChunk bytes of all its jobs) are over it loses the
//         logs of its oldest finished jobs (by stoppedAt, then id) until it is at or under the
//         quota again; never an unfinished job's, whose bytes still count. Measuring reads every
//         chunk of the organization, so each organization with a quota is measured at most every
//         logQuotaEveryMs (a few minutes), and again at the next run while a run was cut short
//         with the organization still over. The jobs it purges move the same mark as the purge by
//         age (logsPurgedThrough: every finished job stopped at or before it has no logs), never
//         past a minute ago, since a job's outcome may commit a little after its stoppedAt.
import { TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db, Tx } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import { type Provider, providerOf } from "@/lib/db/provider";
import { writeTransaction } from "@/lib/db/write-transaction";
import { effectiveQuotasByOrganization } from "@/lib/quotas/quotas";
import { DAY_MS, effectiveRetention, type RetentionDays } from "@/lib/retention/days";
import { deleteFinishedJobLogs, jobLogBytes, organizationLogBytes } from "@/lib/retention/log-bytes";

export const RETENTION_BATCH = 500;

export interface RetentionOptions {
  now: number;
  defaults: RetentionDays;
  /** Jobs per transaction (≤ 500: SQLite's bound-parameter limit and lock time). */
  batchSize?: number;
  /** Transactions per run. */
  maxBatches?: number;
  /** Pause between transactions, so the engine's own writes get the database in between. */
  pauseMs?: number;
  /** Stops early when this turns true (the engine stopping or losing leadership). */
  cancelled?: () => boolean;
  /**
   * How often an organization's stored log bytes are measured against its "Log bytes kept"
   * quota (default LOG_QUOTA_EVERY_MS); 0: at every run.
   */
  logQuotaEveryMs?: number;
}

/** Measuring reads every log chunk of the organization: at most this often. */
export const LOG_QUOTA_EVERY_MS = 5 * 60_000;
/** The mark never passes this long ago: a job's outcome commits a little after its stoppedAt. */
const MARK_LAG_MS = 60_000;

/**
 * When each organization is measured next, per database (module state: the leader calls
 * enforceRetention once a minute with the same client; a new process measures at once).
 */
const nextLogMeasure = new WeakMap<object, Map<string, number>>();

export interface RetentionBatch {
  /** logBytes: logs deleted for the organization's "Log bytes kept" quota. */
  kind: "logs" | "jobs" | "logBytes";
  organizationId: string;
  /** Jobs touched in this transaction (whose logs, or which jobs, were deleted). */
  jobs: number;
}

export interface RetentionResult {
  batches: RetentionBatch[];
  /** Jobs whose logs were deleted, by age or for the log bytes quota. */
  logJobs: number;
  jobsDeleted: number;
  /** False when the run stopped at maxBatches with work left. */
  complete: boolean;
}

const TERMINAL = [...TERMINAL_STATUSES];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Budget {
  readonly batches: RetentionBatch[] = [];
  constructor(
    private readonly max: number,
    private readonly pauseMs: number,
    private readonly cancelled: () => boolean,
  ) {}
  get exhausted() {
    return this.batches.length >= this.max || this.cancelled();
  }
  async spend(batch: RetentionBatch) {
    this.batches.push(batch);
    if (this.pauseMs > 0 && !this.exhausted) await sleep(this.pauseMs);
  }
}

export async function enforceRetention(db: Db, o: RetentionOptions): Promise<RetentionResult> {
  const size = Math.min(RETENTION_BATCH, Math.max(1, o.batchSize ?? RETENTION_BATCH));
  const budget = new Budget(o.maxBatches ?? 20, o.pauseMs ?? 100, o.cancelled ?? (() => false));
  const [orgs, quotas] = await Promise.all([
    db.organization.findMany({
      select: { id: true, retentionSetting: { select: { jobDays: true, logDays: true, logsPurgedThrough: true } } },
      orderBy: { id: "asc" },
    }),
    effectiveQuotasByOrganization(db),
  ]);
  const every = o.logQuotaEveryMs ?? LOG_QUOTA_EVERY_MS;
  const nextMeasure = nextLogMeasure.get(db) ?? new Map<string, number>();
  nextLogMeasure.set(db, nextMeasure);
  let complete = true;
  for (const org of orgs) {
    const days = effectiveRetention(org.retentionSetting, o.defaults);
    if (days.logDays > 0) {
      const done = await purgeLogs(
        db,
        org.id,
        o.now - days.logDays * DAY_MS,
        org.retentionSetting?.logsPurgedThrough,
        size,
        budget,
      );
      complete &&= done;
    }
    if (days.jobDays > 0) complete &&= await deleteJobs(db, org.id, o.now - days.jobDays * DAY_MS, size, budget);
    const maxLogBytes = quotas.byOrganization.get(org.id)?.maxLogBytes ?? quotas.defaults.maxLogBytes;
    if (maxLogBytes > 0 && !budget.exhausted && o.now >= (nextMeasure.get(org.id) ?? 0)) {
      // The mark as the purge by age left it (read afresh: it may have moved in this run).
      const setting = await db.retentionSetting.findUnique({
        where: { organizationId: org.id },
        select: { logsPurgedThrough: true },
      });
      const done = await enforceLogBytes(db, providerOf(db), org.id, maxLogBytes, {
        mark: Number(setting?.logsPurgedThrough ?? 0),
        now: o.now,
        size,
        budget,
      });
      // Cut short while still over: measured again at the next run.
      if (done) nextMeasure.set(org.id, o.now + every);
      complete &&= done;
    }
    if (budget.exhausted) {
      complete = false;
      break;
    }
  }
  const sum = (kind: RetentionBatch["kind"]) =>
    budget.batches.filter((b) => b.kind === kind).reduce((n, b) => n + b.jobs, 0);
  return { batches: budget.batches, logJobs: sum("logs") + sum("logBytes"), jobsDeleted: sum("jobs"), complete };
}

/**
 * Deletes the logs of the organization's oldest finished jobs until its stored log bytes are at or
 * under maxBytes. Returns true when they are, or when only unfinished jobs' logs are left over it;
 * false when the budget ran out first.
 */
async function enforceLogBytes(
  db: Db,
  provider: Provider,
  organizationId: string,
  maxBytes: number,
  o: { mark: number; now: number; size: number; budget: Budget },
): Promise<boolean> {
  const raw = direct(db);
  let total = await organizationLogBytes(raw, provider, organizationId);
  let mark = o.mark;
  let cursor: { stoppedAt: number; id: string } | null = null;
  while (total > maxBytes) {
    if (o.budget.exhausted) return false;
    const rows: { id: string; stoppedAt: bigint | null }[] = await db.job.findMany({
      where: {
        organizationId,
        status: { in: TERMINAL },
        stoppedAt: { gt: mark },
        ...(cursor
          ? { OR: [{ stoppedAt: { gt: cursor.stoppedAt } }, { stoppedAt: cursor.stoppedAt, id: { gt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ stoppedAt: "asc" }, { id: "asc" }],
      take: o.size,
      select: { id: true, stoppedAt: true },
    });
    // What is left over the quota is unfinished jobs' logs: nothing more is ours to delete.
    if (rows.length === 0) return true;
    const bytes = await jobLogBytes(
      raw,
      provider,
      rows.map((r) => r.id),
    );
    const purge: string[] = [];
    for (const r of rows) {
      cursor = { stoppedAt: Number(r.stoppedAt), id: r.id };
      const b = bytes.get(r.id) ?? 0;
      if (b === 0) continue;
      purge.push(r.id);
      total -= b;
      if (total <= maxBytes) break;
    }
    // Every finished job up to the cursor has no logs now; others may share its stoppedAt.
    const next = Math.min(cursor!.stoppedAt - 1, o.now - MARK_LAG_MS);
    const moved = next > mark ? next : null;
    if (purge.length === 0 && moved === null) continue;
    await db.$transaction(async (tx) => {
      await deleteFinishedJobLogs(tx, organizationId, purge);
      if (moved === null) return;
      await tx.retentionSetting.upsert({
        where: { organizationId },
        create: { organizationId, logsPurgedThrough: moved },
        update: { logsPurgedThrough: moved },
      });
    });
    if (moved !== null) mark = moved;
    await o.budget.spend({ kind: "logBytes", organizationId, jobs: purge.length });
  }
  return true;
}

/** Returns true when every log older than the cutoff is gone. */
async function purgeLogs(
  db: Db,
  organizationId: string,
  cutoff: number,
  purgedThrough: bigint | undefined,
  size: number,
  budget: Budget,
): Promise<boolean> {
  let mark = Number(purgedThrough ?? 0);
  const finished = { organizationId, status: { in: TERMINAL } };
  while (!budget.exhausted) {
    const rows = await db.job.findMany({
      where: { ...finished, stoppedAt: { gt: mark, lt: cutoff } },
      orderBy: { stoppedAt: "asc" },
      take: size,
      select: { id: true, stoppedAt: true },
    });
    if (rows.length === 0) return true;
    const last = Number(rows.at(-1)!.stoppedAt);
    if (rows.length < size) {
      await purgeLogBatch(
        db,
        organizationId,
        rows.map((r) => r.id),
        last,
      );
      await budget.spend({ kind: "logs", organizationId, jobs: rows.length });
      mark = last;
      continue;
    }
    // A full batch: the jobs sharing its last stoppedAt may go on past it, so they wait for
    // the next batch, and the mark stops just before them.
    const head = rows.filter((r) => Number(r.stoppedAt) < last);
    if (head.length > 0) {
      const headMark = Number(head.at(-1)!.stoppedAt);
      await purgeLogBatch(
        db,
        organizationId,
        head.map((r) => r.id),
        headMark,
      );
      await budget.spend({ kind: "logs", organizationId, jobs: head.length });
      mark = headMark;
      continue;
    }
    // More than a batch stopped in the same millisecond (a cancelled array): page through them
    // by id, and move the mark past them with the last page.
    let after = "";
    for (;;) {
      const page = await db.job.findMany({
        where: { ...finished, stoppedAt: last, id: { gt: after } },
        orderBy: { id: "asc" },
        take: size,
        select: { id: true },
      });
      const final = page.length < size;
      const removed = await purgeLogBatch(
        db,
        organizationId,
        page.map((r) => r.id),
        final ? last : null,
      );
      // The mark moves only past the whole group, so a run that ran out of budget in it pages
      // again through what it already purged: those pages cost reads, not budget.
      if (removed > 0 || final) await budget.spend({ kind: "logs", organizationId, jobs: page.length });
      if (final) break;
      after = page.at(-1)!.id;
      if (budget.exhausted) return false;
    }
    mark = last;
  }
  return false;
}

/** Returns how many chunks were deleted. */
async function purgeLogBatch(db: Db, organizationId: string, jobIds: string[], mark: number | null): Promise<number> {
  return db.$transaction(async (tx) => {
    const removed = jobIds.length > 0 ? (await tx.logChunk.deleteMany({ where: { jobId: { in: jobIds } } })).count : 0;
    if (mark === null) return removed;
    await tx.retentionSetting.upsert({
      where: { organizationId },
      create: { organizationId, logsPurgedThrough: mark },
      update: { logsPurgedThrough: mark },
    });
    return removed;
  });
}

/** Returns true when every deletable job older than the cutoff is gone. */
async function deleteJobs(db: Db, organizationId: string, cutoff: number, size: number, budget: Budget) {
  // Within a run, candidates that must stay (something unfinished depends on them) are passed
  // over by moving the cursor, so they cannot fill every batch.
  let cursor: { stoppedAt: number; id: string } | null = null;
  const singles: string[] = [];
  while (!budget.exhausted) {
    const candidates: { id: string; stoppedAt: bigint | null; arraySize: number | null }[] = await db.job.findMany({
      where: {
        organizationId,
        arrayParentId: null,
        status: { in: TERMINAL },
        stoppedAt: { lt: cutoff },
        ...(cursor
          ? { OR: [{ stoppedAt: { gt: cursor.stoppedAt } }, { stoppedAt: cursor.stoppedAt, id: { gt: cursor.id } }] }
          : {}),
      },
      orderBy: [{ stoppedAt: "asc" }, { id: "asc" }],
      take: size,
      select: { id: true, stoppedAt: true, arraySize: true },
    });
    if (candidates.length === 0) break;
    const lastCandidate = candidates.at(-1)!;
    cursor = { stoppedAt: Number(lastCandidate.stoppedAt), id: lastCandidate.id };
    const blocked = await blockedRoots(
      db,
      candidates.map((c) => c.id),
      candidates.filter((c) => c.arraySize !== null).map((c) => c.id),
    );
    for (const c of candidates) {
      if (blocked.has(c.id)) continue;
      if (c.arraySize !== null) {
        if (!(await deleteArrayChildren(db, organizationId, c.id, size, budget))) return false;
      }
      singles.push(c.id);
      if (singles.length >= size) {
        await deleteBatch(db, organizationId, singles.splice(0), budget);
        if (budget.exhausted) return false;
      }
    }
  }
  if (singles.length > 0) {
    if (budget.exhausted) return false;
    await deleteBatch(db, organizationId, singles.splice(0), budget);
  }
  return !budget.exhausted;
}

/**
 * Roots (single jobs or array parents) that must stay: an unfinished job depends on them or on
 * one of their children, or an array has an unfinished child.
 */
async function blockedRoots(db: Db | Tx, ids: string[], arrayIds: string[]): Promise<Set<string>> {
  const blocked = new Set<string>();
  if (ids.length === 0) return blocked;
  const unfinished = { status: { notIn: TERMINAL } };
  const onRoots = await db.jobDependency.findMany({
    where: { dependsOnJobId: { in: ids }, job: unfinished },
    select: { dependsOnJobId: true },
  });
  for (const d of onRoots) blocked.add(d.dependsOnJobId);
  if (arrayIds.length > 0) {
    const onChildren = await db.jobDependency.findMany({
      where: { dependsOn: { arrayParentId: { in: arrayIds } }, job: unfinished },
      select: { dependsOn: { select: { arrayParentId: true } } },
    });
    for (const d of onChildren) if (d.dependsOn.arrayParentId) blocked.add(d.dependsOn.arrayParentId);
    const running = await db.job.findMany({
      where: { arrayParentId: { in: arrayIds }, ...unfinished },
      distinct: ["arrayParentId"],
      select: { arrayParentId: true },
    });
    for (const r of running) if (r.arrayParentId) blocked.add(r.arrayParentId);
  }
  return blocked;
}

/** Deletes an array's children in batches; false when the budget ran out first. */
async function deleteArrayChildren(db: Db, organizationId: string, parentId: string, size: number, budget: Budget) {
  for (;;) {
    const children = await db.job.findMany({
      where: { arrayParentId: parentId, status: { in: TERMINAL } },
      orderBy: { id: "asc" },
      take: size,
      select: { id: true },
    });
    if (children.length === 0) return true;
    if (budget.exhausted) return false;
    await deleteBatch(
      db,
      organizationId,
      children.map((c) => c.id),
      budget,
      parentId,
    );
  }
}

/**
 * One transaction: the jobs, their attempts, log chunks and dependency edges. What must stay is
 * checked again inside it, so a job that gained an unfinished dependent since the candidates
 * were read is kept.
 */
async function deleteBatch(db: Db, organizationId: string, ids: string[], budget: Budget, arrayParentId?: string) {
  // Reads what blocks deletion, then deletes: a write transaction.
  const deleted = await writeTransaction(db, async (tx) => {
    let keep: Set<string>;
    if (arrayParentId) {
      // Children: the whole array stays if anything unfinished depends on a child or the parent.
      const parentBlocked = await blockedRoots(tx, [arrayParentId], [arrayParentId]);
      keep = parentBlocked.size > 0 ? new Set(ids) : new Set();
    } else {
      const arrays = await tx.job.findMany({
        where: { id: { in: ids }, arraySize: { not: null } },
        select: { id: true },
      });
      keep = await blockedRoots(
        tx,
        ids,
        arrays.map((a) => a.id),
      );
      // An array parent whose children are not all gone yet stays too.
      const withChildren = await tx.job.findMany({
        where: { arrayParentId: { in: arrays.map((a) => a.id) } },
        distinct: ["arrayParentId"],
        select: { arrayParentId: true },
      });
      for (const c of withChildren) if (c.arrayParentId) keep.add(c.arrayParentId);
    }
    const gone = ids.filter((id) => !keep.has(id));
    if (gone.length === 0) return 0;
    await tx.logChunk.deleteMany({ where: { jobId: { in: gone } } });
    await tx.jobAttempt.deleteMany({ where: { jobId: { in: gone } } });
    // Two statements, not one OR: 2 × 500 ids would pass SQLite's 999 bound parameters.
    await tx.jobDependency.deleteMany({ where: { jobId: { in: gone } } });
    await tx.jobDependency.deleteMany({ where: { dependsOnJobId: { in: gone } } });
    const r = await tx.job.deleteMany({ where: { id: { in: gone }, organizationId, status: { in: TERMINAL } } });
    return r.count;
  });
  await budget.spend({ kind: "jobs", organizationId, jobs: deleted });
}

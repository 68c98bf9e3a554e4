// The "Jobs waiting" quota at submission: jobs of the organization that have not started yet
// (the cancellable statuses of lib/batch/states.ts), counted as lib/quotas/current-usage.ts
// counts them for the console: an array's children, not its parent (which only waits for them),
// and a single job as one. A submission adds the rows it inserts in a waiting status (a job
// born failed, because a dependency had already failed, adds nothing); one that would take the
// organization past the quota is refused whole, before its first write.
//
// The count is taken inside the transaction that inserts, once per organization and
// transaction (a batch of the group commit adds up what its submissions add as it goes), so two
// submissions racing cannot both pass:
// - SQLite: every write transaction holds the database's one write lock from its start;
// - PostgreSQL: a transaction-scoped advisory lock per organization, taken before the count and
//   held to commit. Only organizations with the quota set take it, so unlimited ones pay
//   nothing; a batch takes the locks of all its organizations first, in one order, so two
//   batches cannot deadlock on them.
import { Prisma } from "@/generated/sqlite/client";
import { CANCELLABLE_STATUSES } from "@/lib/batch/states";
import type { Provider } from "@/lib/db";
import type { RawSql } from "@/lib/db/direct";
import { AppError } from "@/lib/errors";
import { QUOTA_LABELS } from "./quotas";

/** What one transaction knows of the organizations' waiting jobs, this transaction's included. */
export interface WaitingLedger {
  counts: Map<string, number>;
  /** Organizations whose advisory lock this transaction holds (PostgreSQL). */
  locked: Set<string>;
}

export const newWaitingLedger = (): WaitingLedger => ({ counts: new Map(), locked: new Set() });

/** The advisory locks' class (first key); the second is a hash of the organization's id. */
const LOCK_CLASS = 724_016_116;

/** 32-bit FNV-1a of the id, as PostgreSQL's int4. Two ids that collide only share a lock. */
export function lockKeyOf(organizationId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < organizationId.length; i++) {
    hash ^= organizationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * Takes the organizations' advisory locks (PostgreSQL; nothing on SQLite, whose write lock the
 * transaction already holds) in a fixed order. Call it before the first count of a transaction
 * that may involve several organizations.
 */
export async function lockWaitingJobs(
  tx: RawSql,
  provider: Provider,
  ledger: WaitingLedger,
  organizationIds: Iterable<string>,
): Promise<void> {
  if (provider !== "postgresql") return;
  const todo = [...new Set(organizationIds)].filter((id) => !ledger.locked.has(id));
  // Sorted by key, the order the locks are compared in, so no two transactions wait in a circle.
  todo.sort((a, b) => lockKeyOf(a) - lockKeyOf(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const id of todo) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(CAST(${LOCK_CLASS} AS INTEGER), CAST(${lockKeyOf(id)} AS INTEGER))`;
    ledger.locked.add(id);
  }
}

/**
 * Which rows count as waiting jobs: a cancellable status, and not an array's parent. Shared with
 * what Settings → Quotas and the operator show (lib/quotas/current-usage.ts).
 */
export const WAITING_JOB_ROWS = Prisma.sql`"status" IN (${Prisma.join(CANCELLABLE_STATUSES)})
      AND ("arraySize" IS NULL OR "arrayParentId" IS NOT NULL)`;

/** Jobs of the organization waiting now, as this transaction sees them. */
export async function countWaitingJobs(tx: RawSql, organizationId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM "Job"
    WHERE "organizationId" = ${organizationId} AND ${WAITING_JOB_ROWS}`;
  return Number(rows[0]?.n ?? 0);
}

const figure = (n: number) => n.toLocaleString("en-US");

/**
 * Counts `adding` new waiting jobs against the organization's quota `limit` (> 0), or refuses
 * the submission with LIMIT_EXCEEDED (ClientException on /v1) naming the quota, the usage and
 * the limit. Writes nothing: the caller writes its rows after this returns.
 */
export async function reserveWaitingJobs(
  tx: RawSql,
  provider: Provider,
  ledger: WaitingLedger,
  organizationId: string,
  limit: number,
  adding: number,
): Promise<void> {
  let current = ledger.counts.get(organizationId);
  if (current === undefined) {
    await lockWaitingJobs(tx, provider, ledger, [organizationId]);
    current = await countWaitingJobs(tx, organizationId);
  }
  if (adding > 0 && current + adding > limit) {
    ledger.counts.set(organizationId, current);
    const label = QUOTA_LABELS.maxWaitingJobs;
    throw new AppError(
      "LIMIT_EXCEEDED",
      `${label}: ${figure(current)} of ${figure(limit)} (quota). This submission would add ${figure(adding)} ` +
        `(an array job counts its children); submit again once jobs have started or finished, or ask the ` +
        `install's operator for a larger quota "${label}".`,
    );
  }
  ledger.counts.set(organizationId, current + adding);
}

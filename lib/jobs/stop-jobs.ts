// CancelJob / TerminateJob and their bulk forms (CancelJobs / TerminateJobs), AWS semantics:
//
//   cancel    SUBMITTED|PENDING|RUNNABLE → FAILED now (statusReason = the caller's reason,
//             isCancelled); STARTING|RUNNING → nothing, and still a success
//   terminate not yet on a host → cancelled as above; STARTING|RUNNING → stopRequest TERMINATE,
//             which the engine acts on (SIGTERM, then SIGKILL) and records FAILED
//   array parent → the same for each child; the parent settles through lib/jobs/finish.ts
//
// Every move is the state machine's `cancel` (lib/jobs/transition-jobs.ts), a conditional UPDATE
// on the statuses it expects, so a job the engine claims at the same moment is either cancelled
// here or started there, never both. A caller with
// jobs.stopAny may stop any job of the organization; with only jobs.stopOwn, their own.
import { Prisma } from "@/generated/sqlite/client";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import type { StopJobInput, StopJobsInput, StopJobsResult } from "@/lib/batch/shapes/jobs";
import { ON_HOST_STATUSES, TRANSITIONS } from "@/lib/batch/states";
import type { Tx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, forbidden } from "@/lib/errors";
import { afterJobsFinished } from "./finish";
import { canMove, transitionJobsSql } from "./transition-jobs";

export { cancelJobInput, cancelJobsInput, terminateJobInput, terminateJobsInput } from "@/lib/batch/shapes/jobs";

type StopKind = "CANCEL" | "TERMINATE";

/** Ids per raw statement, well under both databases' bound-parameter limits. */
const CHUNK = 5_000;
/** Ids per Prisma-built statement: Prisma caps a SQLite query at 999 bound parameters. */
const PRISMA_CHUNK = 500;

export const cancelJobs = (ctx: OrgContext, input: StopJobsInput) => stopJobs(ctx, input.jobs, input.reason, "CANCEL");
export const terminateJobs = (ctx: OrgContext, input: StopJobsInput) =>
  stopJobs(ctx, input.jobs, input.reason, "TERMINATE");

// The single-job forms answer clearly where the bulk forms report per job: an unknown id is
// NOT_FOUND (the bulk forms count it as successful, as AWS does) and a refusal is FORBIDDEN.
export async function cancelJob(ctx: OrgContext, input: StopJobInput): Promise<Record<string, never>> {
  await stopOne(ctx, input, "CANCEL");
  return {};
}

export async function terminateJob(ctx: OrgContext, input: StopJobInput): Promise<Record<string, never>> {
  await stopOne(ctx, input, "TERMINATE");
  return {};
}

async function stopOne(ctx: OrgContext, input: StopJobInput, kind: StopKind): Promise<void> {
  const result = await stopJobs(ctx, [input.jobId], input.reason, kind, { requireExisting: true });
  const error = result.errors[0];
  if (error) throw forbidden(error.message);
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function stopJobs(
  ctx: OrgContext,
  jobIds: string[],
  reason: string,
  kind: StopKind,
  opts: { requireExisting?: boolean } = {},
): Promise<StopJobsResult> {
  const stopAny = can(ctx.role, "jobs.stopAny");
  if (!stopAny && !can(ctx.role, "jobs.stopOwn")) throw forbidden("Your role does not allow stopping jobs.");
  const ids = [...new Set(jobIds)];
  const organizationId = ctx.organizationId;
  return writeTransaction(ctx.db, { timeout: 60_000, maxWait: 30_000, wakeEngine: "jobs" }, async (tx) => {
    const now = Date.now();
    const found = await tx.job.findMany({
      where: { organizationId, id: { in: ids } },
      select: { id: true, submittedById: true, arraySize: true },
    });
    if (opts.requireExisting && found.length === 0) {
      throw new AppError("NOT_FOUND", `Job ${ids[0]} does not exist.`);
    }
    const byId = new Map(found.map((j) => [j.id, j]));
    const result: StopJobsResult = { successful: [], errors: [] };
    const allowed: typeof found = [];
    for (const id of ids) {
      const job = byId.get(id);
      if (!job) {
        result.successful.push(id);
      } else if (stopAny || job.submittedById === ctx.user.id) {
        allowed.push(job);
        result.successful.push(id);
      } else {
        result.errors.push({
          job: id,
          code: "ClientException",
          message: `You can only ${kind === "CANCEL" ? "cancel" : "terminate"} jobs you submitted: your role does not allow stopping other members' jobs.`,
        });
      }
    }
    if (allowed.length === 0) return result;

    const parents = allowed.filter((j) => j.arraySize !== null).map((j) => j.id);
    const children = parents.length
      ? await tx.job.findMany({ where: { organizationId, arrayParentId: { in: parents } }, select: { id: true } })
      : [];
    const targets = [...allowed.filter((j) => j.arraySize === null).map((j) => j.id), ...children.map((c) => c.id)];

    const cancelled = await cancelNotStarted(tx, organizationId, targets, reason, now);
    if (kind === "TERMINATE") await requestTermination(tx, organizationId, targets, reason, now);
    // The parent is marked so DescribeJobs shows who stopped it; its status follows its children.
    for (const part of chunks(parents, PRISMA_CHUNK)) {
      await tx.job.updateMany({
        where: { organizationId, id: { in: part }, stopRequest: null, ...canMove("cancel") },
        data: { stopRequest: kind, stopReason: reason, updatedAt: now },
      });
    }
    if (cancelled.length > 0) {
      await afterJobsFinished(
        tx,
        cancelled.map((id) => ({ id, status: TRANSITIONS.cancel.to })),
        now,
      );
    }
    for (const job of allowed) {
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: kind === "CANCEL" ? "job.cancel" : "job.terminate",
        targetType: "job",
        targetId: job.id,
        details: { reason },
      });
    }
    return result;
  });
}

/** Jobs not yet on a host (array parents excepted) → FAILED with the caller's reason. */
async function cancelNotStarted(
  tx: Tx,
  organizationId: string,
  ids: string[],
  reason: string,
  now: number,
): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(ids)) {
    const moved = await transitionJobsSql(tx, "cancel", {
      set: Prisma.sql`"statusReason" = ${reason}, "stopRequest" = 'CANCEL', "stopReason" = ${reason},
        "stoppedAt" = ${now}, "updatedAt" = ${now}`,
      where: Prisma.sql`"organizationId" = ${organizationId} AND "id" IN (${Prisma.join(part)}) AND "arraySize" IS NULL`,
    });
    out.push(...moved);
  }
  return out;
}

/** Jobs on a host get a stop request; the engine kills the process and records FAILED. */
async function requestTermination(
  tx: Tx,
  organizationId: string,
  ids: string[],
  reason: string,
  now: number,
): Promise<void> {
  for (const part of chunks(ids, PRISMA_CHUNK)) {
    await tx.job.updateMany({
      where: { organizationId, id: { in: part }, status: { in: [...ON_HOST_STATUSES] }, stopRequest: null },
      data: { stopRequest: "TERMINATE", stopReason: reason, updatedAt: now },
    });
  }
}

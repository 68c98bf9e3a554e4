// One fire of a schedule: claim the slot (a ScheduleFire row, unique per schedule and slot, is
// what makes a slot fire once across engines, restarts and handovers), submit the job through the
// organization's backend, record the job or the reason it failed. Called by the engine's schedule
// clock (engine/schedule-clock.ts) and by "Run now".

import type { OrgContext } from "@/lib/auth/context";
import { TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/resources/refs";
import type { ScheduleTarget } from "./schedules";
import { FireStatus } from "./statuses";

/** Tags a fired job carries, so a fire interrupted after its submission finds its job again. */
export const SCHEDULE_TAG = "batchdeck:schedule";
export const FIRE_TAG = "batchdeck:schedule-fire";

export interface ScheduleRecord {
  id: string;
  organizationId: string;
  groupName: string;
  name: string;
  arn: string;
  target: string;
  overlapPolicy: string;
  createdById: string | null;
}

export type FireResult =
  | { status: typeof FireStatus.SUBMITTED; fireId: string; jobId: string }
  | { status: typeof FireStatus.FAILED | typeof FireStatus.SKIPPED; fireId: string; reason: string }
  | { status: "ALREADY_FIRED" };

/** The submission's caller: the organization, as the schedule, on behalf of its creator. */
export function scheduleContext(db: Db, s: ScheduleRecord): OrgContext {
  const label = `schedule ${s.groupName}/${s.name}`;
  return {
    db,
    organizationId: s.organizationId,
    role: "developer",
    user: { id: s.createdById ?? "schedule", email: label, name: label },
    actor: { userId: s.createdById, email: label, source: "system" },
  };
}

const FINISHED = new Set<string>(TERMINAL_STATUSES);

export type SubmitFn = (ctx: OrgContext, target: ScheduleTarget) => Promise<{ jobId: string }>;
export type JobStatusFn = (ctx: OrgContext, jobId: string) => Promise<string | null>;

export interface FireDeps {
  db: Db;
  submit: SubmitFn;
  jobStatus: JobStatusFn;
}

/**
 * Claims `slot` and fires it. `skipReason` records the slot as SKIPPED (missed while no engine
 * ran, under the SKIP policy) without submitting.
 */
export async function fireSchedule(
  deps: FireDeps,
  s: ScheduleRecord,
  slot: number,
  opts: { trigger: "SCHEDULE" | "MANUAL"; now: number; skipReason?: string },
): Promise<FireResult> {
  const fireId = newId();
  try {
    await deps.db.scheduleFire.create({
      data: {
        id: fireId,
        scheduleId: s.id,
        organizationId: s.organizationId,
        slot: BigInt(slot),
        trigger: opts.trigger,
        status: opts.skipReason ? FireStatus.SKIPPED : FireStatus.FIRING,
        reason: opts.skipReason ?? null,
        firedAt: BigInt(opts.now),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: "ALREADY_FIRED" };
    throw error;
  }
  if (opts.skipReason) return { status: FireStatus.SKIPPED, fireId, reason: opts.skipReason };
  return submitClaimed(deps, s, fireId);
}

/** Submits the job of a claimed (FIRING) fire and records the outcome. */
export async function submitClaimed(deps: FireDeps, s: ScheduleRecord, fireId: string): Promise<FireResult> {
  const ctx = scheduleContext(deps.db, s);
  let result: FireResult;
  try {
    const overlap = s.overlapPolicy === "SKIP" ? await unfinishedPrevious(deps, ctx, s.id, fireId) : null;
    if (overlap) {
      result = { status: FireStatus.SKIPPED, fireId, reason: overlap };
    } else {
      const target = JSON.parse(s.target) as ScheduleTarget;
      const tags = { ...(target.tags ?? {}), [SCHEDULE_TAG]: s.arn.slice(0, 256), [FIRE_TAG]: fireId };
      const { jobId } = await deps.submit(ctx, { ...target, tags });
      result = { status: FireStatus.SUBMITTED, fireId, jobId };
    }
  } catch (error) {
    result = { status: FireStatus.FAILED, fireId, reason: reasonOf(error) };
  }
  await deps.db.scheduleFire.update({
    where: { id: fireId },
    data: {
      status: result.status,
      jobId: result.status === FireStatus.SUBMITTED ? result.jobId : null,
      reason: result.status === FireStatus.SUBMITTED ? null : result.reason.slice(0, 1000),
    },
  });
  return result;
}

async function unfinishedPrevious(deps: FireDeps, ctx: OrgContext, scheduleId: string, fireId: string) {
  const previous = await deps.db.scheduleFire.findFirst({
    where: { scheduleId, status: FireStatus.SUBMITTED, jobId: { not: null }, id: { not: fireId } },
    orderBy: { firedAt: "desc" },
    select: { jobId: true },
  });
  if (!previous?.jobId) return null;
  const status = await deps.jobStatus(ctx, previous.jobId);
  if (status === null || FINISHED.has(status)) return null;
  return `The job of the previous fire (${previous.jobId}) is still ${status}, and this schedule skips a fire while it is.`;
}

/** What the fire's history shows: the domain's message, never internals. */
function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof Error && error.name === "ApiError") return error.message;
  return "The job could not be submitted (an internal error; the server log has the details).";
}

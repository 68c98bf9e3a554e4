// The leader's schedule clock: every tick, fire the schedules whose next slot has come. A slot
// fires once whatever happens to engines (lib/automation/schedule-fire.ts claims it with a row
// unique per schedule and slot); a fire interrupted between its claim and the record of its job
// is finished by the next tick of whichever engine leads then, and finds the job it may already
// have submitted by the tag the job carries. `now` is passed in, so tests drive it with a clock
// of their own.

import { Prisma } from "@/generated/sqlite/client";
import { fireTimesBetween, parseScheduleExpression } from "@/lib/automation/schedule-expression";
import {
  FIRE_TAG,
  type FireDeps,
  type FireResult,
  fireSchedule,
  type ScheduleRecord,
  submitClaimed,
} from "@/lib/automation/schedule-fire";
import { nextSlot } from "@/lib/automation/schedules";
import { FireStatus } from "@/lib/automation/statuses";
import { direct } from "@/lib/db/direct";

/** A slot fired later than this after its time (plus its flexible window) was missed. */
export const ON_TIME_MS = 60_000;
/** A FIRING claim older than this belonged to an engine that stopped while submitting. */
export const INTERRUPTED_FIRE_MS = 120_000;
/** How far back missed slots are looked for after downtime. */
const MISSED_LOOKBACK_MS = 31 * 24 * 3600_000;
const DUE_PER_TICK = 100;

export type ScheduleClockLog = (message: string, fields?: Record<string, unknown>) => void;

export class ScheduleClock {
  constructor(
    private readonly deps: FireDeps,
    private readonly log: ScheduleClockLog = () => {},
  ) {}

  /** Fires what is due at `now`; returns the fires recorded (submitted, failed or skipped). */
  async tick(now: number): Promise<FireResult[]> {
    const results: FireResult[] = [];
    await this.finishInterrupted(now, results);
    const due = await this.deps.db.schedule.findMany({
      where: { state: "ENABLED", nextFireAt: { lte: BigInt(now) } },
      orderBy: { nextFireAt: "asc" },
      take: DUE_PER_TICK,
    });
    for (const row of due) {
      try {
        const result = await this.fireDue(row, now);
        if (result) results.push(result);
      } catch (error) {
        this.log("schedule fire failed", { schedule: row.arn, error });
      }
    }
    return results;
  }

  private async fireDue(row: DueRow, now: number): Promise<FireResult | null> {
    const first = Number(row.nextFireAt);
    const expr = parseScheduleExpression(row.expression);
    // Every slot from the recorded next one to now: more than one means slots were missed.
    const slots = fireTimesBetween(expr, {
      from: new Date(Math.max(first, now - MISSED_LOOKBACK_MS) - 1),
      to: new Date(now),
      timezone: row.timezone,
      startDate: row.startDate === null ? undefined : new Date(Number(row.startDate)),
      endDate: row.endDate === null ? undefined : new Date(Number(row.endDate)),
      anchor: new Date(Number(row.startDate ?? row.createdAt)),
      limit: 1_000_000,
    }).map((d) => d.getTime());
    const latest = slots.length > 0 ? slots[slots.length - 1]! : first;
    const windowMs = (row.flexibleWindowMinutes ?? 0) * 60_000;
    const onTime = now - latest <= ON_TIME_MS + windowMs;
    // A flexible window delays each on-time fire by a fixed amount within it, different per slot.
    if (onTime && windowMs > 0 && now < latest + flexibleDelay(row.id, latest, windowMs)) return null;

    const missed = slots.length - (onTime ? 1 : 0);
    let result: FireResult | null = null;
    if (onTime || row.missedFirePolicy === "LATEST") {
      result = await fireSchedule(this.deps, row, latest, { trigger: "SCHEDULE", now });
      if (missed > 0) this.log("schedule slots missed", { schedule: row.arn, missed, firedLatest: true });
    } else {
      result = await fireSchedule(this.deps, row, latest, {
        trigger: "SCHEDULE",
        now,
        skipReason: `Missed while no engine was running (${missed} slot${missed === 1 ? "" : "s"} since ${new Date(first).toISOString()}); this schedule skips missed fires.`,
      });
    }
    const next = nextSlot(row, Math.max(now, latest));
    if (next === null && row.actionAfterCompletion === "DELETE") {
      await this.deps.db.schedule.deleteMany({ where: { id: row.id } });
    } else {
      // Only if no one else moved it meanwhile (a schedule updated in between keeps its new slot).
      await this.deps.db.schedule.updateMany({
        where: { id: row.id, nextFireAt: row.nextFireAt },
        data: { nextFireAt: next === null ? null : BigInt(next) },
      });
    }
    return result.status === "ALREADY_FIRED" ? null : result;
  }

  /** Fires claimed by an engine that stopped before recording their job. */
  private async finishInterrupted(now: number, results: FireResult[]): Promise<void> {
    const stale = await this.deps.db.scheduleFire.findMany({
      where: { status: FireStatus.FIRING, firedAt: { lt: BigInt(now - INTERRUPTED_FIRE_MS) } },
      include: { schedule: true },
      take: DUE_PER_TICK,
    });
    for (const fire of stale) {
      const org = await this.deps.db.organization.findUnique({
        where: { id: fire.organizationId },
        select: { backend: true },
      });
      if (org?.backend === "builtin") {
        const jobId = await this.findFiredJob(fire.organizationId, fire.id, Number(fire.firedAt));
        if (jobId) {
          await this.deps.db.scheduleFire.update({
            where: { id: fire.id },
            data: { status: FireStatus.SUBMITTED, jobId },
          });
          results.push({ status: FireStatus.SUBMITTED, fireId: fire.id, jobId });
        } else {
          results.push(await submitClaimed(this.deps, fire.schedule, fire.id));
        }
      } else {
        // AWS Batch has no submission token to ask with: say so rather than risk a second job.
        const reason = `The engine stopped while submitting this fire; whether AWS Batch received the job is unknown (a job it received carries the tag ${FIRE_TAG}=${fire.id}).`;
        await this.deps.db.scheduleFire.update({ where: { id: fire.id }, data: { status: FireStatus.FAILED, reason } });
        results.push({ status: FireStatus.FAILED, fireId: fire.id, reason });
      }
    }
  }

  /** The job a fire submitted, found by its tag among the jobs submitted since the claim. */
  private async findFiredJob(organizationId: string, fireId: string, firedAt: number): Promise<string | null> {
    const pattern = `%${JSON.stringify(FIRE_TAG).slice(1, -1)}":"${fireId}"%`;
    const [row] = await direct(this.deps.db).$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT "id" FROM "Job" WHERE "organizationId" = ${organizationId} AND "createdAt" >= ${firedAt - 60_000}
        AND "arrayParentId" IS NULL AND "tags" LIKE ${pattern} LIMIT 1`);
    return row?.id ?? null;
  }
}

type DueRow = ScheduleRecord & {
  expression: string;
  timezone: string;
  startDate: bigint | null;
  endDate: bigint | null;
  createdAt: bigint;
  state: string;
  nextFireAt: bigint | null;
  flexibleWindowMinutes: number | null;
  missedFirePolicy: string;
  actionAfterCompletion: string;
};

/** A delay in [0, windowMs) that is the same for a schedule and slot on every engine. */
export function flexibleDelay(scheduleId: string, slot: number, windowMs: number): number {
  let h = 2166136261;
  for (const ch of `${scheduleId}:${slot}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % windowMs;
}

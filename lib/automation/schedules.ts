// Schedules: EventBridge Scheduler's schedule with a Batch SubmitJob target, kept per
// organization. These are the domain functions the console's actions and the Scheduler API
// (lib/automation/scheduler-api.ts) call; the engine's schedule clock (engine/schedule-clock.ts)
// fires them through lib/automation/schedule-fire.ts.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { submitJobAwsInput } from "@/lib/batch/shapes/jobs";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { env } from "@/lib/env";
import { conflict, invalid, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "@/lib/resources/account";
import { isUniqueViolation } from "@/lib/resources/refs";
import { nameWhere } from "./events-input";
import {
  describeScheduleExpression,
  nextFireTimes,
  parseScheduleExpression,
  type ScheduleExpression,
  validateTimeZone,
} from "./schedule-expression";

const NAME = /^[0-9a-zA-Z\-_.]+$/;
const nameSchema = (field: string) =>
  z
    .string({ message: `${field} is required.` })
    .min(1, `${field} must not be empty.`)
    .max(64, `${field} must be at most 64 characters long.`)
    .regex(NAME, `${field} can contain only letters, numbers, hyphens, underscores and periods.`);

export const SCHEDULE_STATES = ["ENABLED", "DISABLED"] as const;
export const MISSED_FIRE_POLICIES = ["LATEST", "SKIP"] as const;
export const OVERLAP_POLICIES = ["ALLOW", "SKIP"] as const;

/** The SubmitJob request a fire sends, as /v1 SubmitJob takes it (dependencies excluded). */
export const scheduleTargetSchema = submitJobAwsInput.omit({ dependsOn: true });
export type ScheduleTarget = z.output<typeof scheduleTargetSchema>;

const epochMs = (field: string) =>
  z
    .number({ message: `${field} must be a time.` })
    .int(`${field} must be a time.`)
    .min(0, `${field} must be a time after 1970.`);

export const scheduleInput = z
  .object({
    name: nameSchema("Name"),
    groupName: nameSchema("GroupName").default("default"),
    description: z.string().max(512, "Description must be at most 512 characters long.").optional(),
    expression: z
      .string({ message: "ScheduleExpression is required." })
      .min(1, "ScheduleExpression is required.")
      .max(256, "ScheduleExpression must be at most 256 characters long."),
    timezone: z.string().max(50).default("UTC"),
    startDate: epochMs("StartDate").optional(),
    endDate: epochMs("EndDate").optional(),
    state: z.enum(SCHEDULE_STATES, { message: "State must be ENABLED or DISABLED." }).default("ENABLED"),
    flexibleWindowMinutes: z
      .number()
      .int("MaximumWindowInMinutes must be a whole number.")
      .min(1, "MaximumWindowInMinutes must be between 1 and 1440.")
      .max(1440, "MaximumWindowInMinutes must be between 1 and 1440.")
      .nullable()
      .optional(),
    target: scheduleTargetSchema,
    roleArn: z.string().max(1600).optional(),
    /** The Target as the Scheduler API received it (JSON), returned by GetSchedule. */
    apiTarget: z.string().max(16_384).optional(),
    missedFirePolicy: z.enum(MISSED_FIRE_POLICIES).default("LATEST"),
    overlapPolicy: z.enum(OVERLAP_POLICIES).default("ALLOW"),
    actionAfterCompletion: z.enum(["NONE", "DELETE"]).default("NONE"),
  })
  .superRefine((v, issue) => {
    if (v.startDate !== undefined && v.endDate !== undefined && v.endDate <= v.startDate) {
      issue.addIssue({ code: "custom", path: ["endDate"], message: "EndDate must be after StartDate." });
    }
  });
export type ScheduleInput = z.input<typeof scheduleInput>;
type ScheduleValues = z.output<typeof scheduleInput>;

export const scheduleKeyInput = z.object({
  name: nameSchema("Name"),
  groupName: nameSchema("GroupName").default("default"),
});
export type ScheduleKey = z.input<typeof scheduleKeyInput>;

export interface ScheduleView {
  arn: string;
  name: string;
  groupName: string;
  description: string | null;
  expression: string;
  expressionInWords: string;
  timezone: string;
  startDate: number | null;
  endDate: number | null;
  state: string;
  flexibleWindowMinutes: number | null;
  target: ScheduleTarget;
  roleArn: string | null;
  apiTarget: string | null;
  missedFirePolicy: string;
  overlapPolicy: string;
  actionAfterCompletion: string;
  nextFireAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastFire: ScheduleFireView | null;
}

export interface ScheduleFireView {
  id: string;
  slot: number;
  trigger: string;
  status: string;
  jobId: string | null;
  reason: string | null;
  firedAt: number;
}

export const scheduleArn = (accountId: string, groupName: string, name: string) =>
  `arn:aws:scheduler:${env().BATCHDECK_AWS_REGION}:${accountId}:schedule/${groupName}/${name}`;

/** The parsed expression, with the time zone and dates checked; throws INVALID_INPUT. */
export function checkedExpression(values: Pick<ScheduleValues, "expression" | "timezone">): ScheduleExpression {
  validateTimeZone(values.timezone);
  return parseScheduleExpression(values.expression);
}

type ScheduleRow = {
  expression: string;
  timezone: string;
  startDate: bigint | null;
  endDate: bigint | null;
  createdAt: bigint;
  state: string;
};

/** The first slot strictly after `after`, or null when the schedule has no more. */
export function nextSlot(row: ScheduleRow, after: number): number | null {
  if (row.state !== "ENABLED") return null;
  const expr = parseScheduleExpression(row.expression);
  const [next] = nextFireTimes(expr, {
    after: new Date(after),
    timezone: row.timezone,
    count: 1,
    startDate: row.startDate === null ? undefined : new Date(Number(row.startDate)),
    endDate: row.endDate === null ? undefined : new Date(Number(row.endDate)),
    anchor: new Date(Number(row.startDate ?? row.createdAt)),
  });
  return next ? next.getTime() : null;
}

/** The next `count` fire times of a schedule after `after` (the console's "next five"). */
export function upcomingFires(row: ScheduleRow, after: number, count: number): number[] {
  if (row.state !== "ENABLED") return [];
  return nextFireTimes(parseScheduleExpression(row.expression), {
    after: new Date(after),
    timezone: row.timezone,
    count,
    startDate: row.startDate === null ? undefined : new Date(Number(row.startDate)),
    endDate: row.endDate === null ? undefined : new Date(Number(row.endDate)),
    anchor: new Date(Number(row.startDate ?? row.createdAt)),
  }).map((d) => d.getTime());
}

function rowData(values: ScheduleValues) {
  return {
    description: values.description ?? null,
    expression: values.expression.trim(),
    timezone: values.timezone,
    startDate: values.startDate === undefined ? null : BigInt(values.startDate),
    endDate: values.endDate === undefined ? null : BigInt(values.endDate),
    state: values.state,
    flexibleWindowMinutes: values.flexibleWindowMinutes ?? null,
    target: JSON.stringify(values.target),
    roleArn: values.roleArn ?? null,
    apiTarget: values.apiTarget ?? null,
    missedFirePolicy: values.missedFirePolicy,
    overlapPolicy: values.overlapPolicy,
    actionAfterCompletion: values.actionAfterCompletion,
  };
}

function parseValues(input: ScheduleInput): ScheduleValues {
  const parsed = scheduleInput.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalid(first?.message ?? "Invalid schedule.");
  }
  checkedExpression(parsed.data);
  return parsed.data;
}

export async function createSchedule(
  ctx: OrgContext,
  input: ScheduleInput,
  now = Date.now(),
): Promise<{ scheduleArn: string }> {
  requirePermission(ctx, "schedules.manage");
  const values = parseValues(input);
  const exists = () => conflict(`Schedule ${values.name} already exists in group ${values.groupName}.`);
  try {
    return await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
      const arn = scheduleArn(await accountIdOf(tx, ctx.organizationId), values.groupName, values.name);
      const data = rowData(values);
      const nextFireAt = nextSlot({ ...data, createdAt: BigInt(now) }, now);
      await tx.schedule.create({
        data: {
          id: newId(),
          organizationId: ctx.organizationId,
          groupName: values.groupName,
          name: values.name,
          arn,
          ...data,
          nextFireAt: nextFireAt === null ? null : BigInt(nextFireAt),
          createdById: ctx.user.id,
          createdAt: BigInt(now),
          updatedAt: BigInt(now),
        },
      });
      await recordAudit(tx, {
        organizationId: ctx.organizationId,
        actor: ctx.actor,
        action: "schedule.create",
        targetType: "schedule",
        targetId: arn,
        details: { expression: values.expression, timezone: values.timezone, state: values.state },
      });
      return { scheduleArn: arn };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}

export async function updateSchedule(
  ctx: OrgContext,
  input: ScheduleInput,
  now = Date.now(),
): Promise<{ scheduleArn: string }> {
  requirePermission(ctx, "schedules.manage");
  const values = parseValues(input);
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const row = await findSchedule(tx, ctx.organizationId, values);
    const data = rowData(values);
    const nextFireAt = nextSlot({ ...data, createdAt: row.createdAt }, now);
    await tx.schedule.update({
      where: { id: row.id },
      data: { ...data, nextFireAt: nextFireAt === null ? null : BigInt(nextFireAt), updatedAt: BigInt(now) },
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "schedule.update",
      targetType: "schedule",
      targetId: row.arn,
      details: { expression: values.expression, timezone: values.timezone, state: values.state },
    });
    return { scheduleArn: row.arn };
  });
}

/** Console: enable or disable without restating the rest. */
export async function setScheduleState(
  ctx: OrgContext,
  key: ScheduleKey,
  state: (typeof SCHEDULE_STATES)[number],
  now = Date.now(),
): Promise<void> {
  requirePermission(ctx, "schedules.manage");
  const k = scheduleKeyInput.parse(key);
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const row = await findSchedule(tx, ctx.organizationId, k);
    const nextFireAt = nextSlot({ ...row, state }, now);
    await tx.schedule.update({
      where: { id: row.id },
      data: { state, nextFireAt: nextFireAt === null ? null : BigInt(nextFireAt), updatedAt: BigInt(now) },
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: state === "ENABLED" ? "schedule.enable" : "schedule.disable",
      targetType: "schedule",
      targetId: row.arn,
    });
  });
}

export async function deleteSchedule(ctx: OrgContext, key: ScheduleKey): Promise<void> {
  requirePermission(ctx, "schedules.manage");
  const k = scheduleKeyInput.parse(key);
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const row = await findSchedule(tx, ctx.organizationId, k);
    await tx.schedule.delete({ where: { id: row.id } });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "schedule.delete",
      targetType: "schedule",
      targetId: row.arn,
    });
  });
}

async function findSchedule(db: DbOrTx, organizationId: string, key: { name: string; groupName: string }) {
  const row = await db.schedule.findUnique({
    where: { organizationId_groupName_name: { organizationId, groupName: key.groupName, name: key.name } },
  });
  if (!row) throw notFound(`Schedule ${key.groupName}/${key.name}`);
  return row;
}

function fireView(f: {
  id: string;
  slot: bigint;
  trigger: string;
  status: string;
  jobId: string | null;
  reason: string | null;
  firedAt: bigint;
}): ScheduleFireView {
  return {
    id: f.id,
    slot: Number(f.slot),
    trigger: f.trigger,
    status: f.status,
    jobId: f.jobId,
    reason: f.reason,
    firedAt: Number(f.firedAt),
  };
}

type FullRow = Awaited<ReturnType<typeof findSchedule>>;

function scheduleView(row: FullRow, lastFire: ScheduleFireView | null): ScheduleView {
  let words: string;
  try {
    words = describeScheduleExpression(parseScheduleExpression(row.expression));
  } catch {
    words = row.expression;
  }
  return {
    arn: row.arn,
    name: row.name,
    groupName: row.groupName,
    description: row.description,
    expression: row.expression,
    expressionInWords: words,
    timezone: row.timezone,
    startDate: row.startDate === null ? null : Number(row.startDate),
    endDate: row.endDate === null ? null : Number(row.endDate),
    state: row.state,
    flexibleWindowMinutes: row.flexibleWindowMinutes,
    target: JSON.parse(row.target) as ScheduleTarget,
    roleArn: row.roleArn,
    apiTarget: row.apiTarget,
    missedFirePolicy: row.missedFirePolicy,
    overlapPolicy: row.overlapPolicy,
    actionAfterCompletion: row.actionAfterCompletion,
    nextFireAt: row.nextFireAt === null ? null : Number(row.nextFireAt),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
    lastFire,
  };
}

export async function getSchedule(ctx: OrgContext, key: ScheduleKey): Promise<ScheduleView> {
  requirePermission(ctx, "resources.view");
  const row = await findSchedule(ctx.db, ctx.organizationId, scheduleKeyInput.parse(key));
  const last = await ctx.db.scheduleFire.findFirst({ where: { scheduleId: row.id }, orderBy: { firedAt: "desc" } });
  return scheduleView(row, last ? fireView(last) : null);
}

export const listSchedulesInput = z.object({
  groupName: nameSchema("GroupName").optional(),
  namePrefix: z.string().max(64).optional(),
  state: z.enum(SCHEDULE_STATES).optional(),
  maxResults: z.number().int().min(1).max(100).default(100),
  nextToken: z.string().max(200).optional(),
});
export type ListSchedulesInput = z.input<typeof listSchedulesInput>;

export async function listSchedules(
  ctx: OrgContext,
  input: ListSchedulesInput = {},
): Promise<{ schedules: ScheduleView[]; nextToken?: string }> {
  requirePermission(ctx, "resources.view");
  const q = listSchedulesInput.parse(input);
  const rows = await ctx.db.schedule.findMany({
    where: {
      organizationId: ctx.organizationId,
      ...(q.groupName ? { groupName: q.groupName } : {}),
      // A literal prefix on both databases (Prisma's startsWith treats _ and % as wildcards).
      ...nameWhere(ctx.db, q.namePrefix, undefined),
      ...(q.state ? { state: q.state } : {}),
      ...(q.nextToken ? { id: { gt: q.nextToken } } : {}),
    },
    orderBy: { id: "asc" },
    take: q.maxResults + 1,
  });
  const page = rows.slice(0, q.maxResults);
  const lastFires = await Promise.all(
    page.map((r) => ctx.db.scheduleFire.findFirst({ where: { scheduleId: r.id }, orderBy: { firedAt: "desc" } })),
  );
  return {
    schedules: page
      .map((r, i) => scheduleView(r, lastFires[i] ? fireView(lastFires[i]) : null))
      .sort((a, b) => a.name.localeCompare(b.name)),
    ...(rows.length > q.maxResults ? { nextToken: page[page.length - 1]!.id } : {}),
  };
}

export async function listScheduleFires(ctx: OrgContext, key: ScheduleKey, limit = 50): Promise<ScheduleFireView[]> {
  requirePermission(ctx, "resources.view");
  const row = await findSchedule(ctx.db, ctx.organizationId, scheduleKeyInput.parse(key));
  const fires = await ctx.db.scheduleFire.findMany({
    where: { scheduleId: row.id },
    orderBy: { firedAt: "desc" },
    take: Math.min(Math.max(limit, 1), 500),
  });
  return fires.map(fireView);
}

/** The row the engine and "run now" fire from. */
export async function scheduleRowFor(ctx: OrgContext, key: ScheduleKey) {
  return findSchedule(ctx.db, ctx.organizationId, scheduleKeyInput.parse(key));
}

// EventBridge rules on the default event bus and their targets, per organization: the domain
// functions the console and the EventBridge API (lib/automation/events-api.ts) call. Inputs and
// results have EventBridge's PascalCase shapes, timestamps in epoch seconds as its JSON protocol
// sends them; rows keep epoch milliseconds. Connections and API destinations, which webhook
// targets name, are in event-destinations.ts.
//
// A target is one of two kinds, told apart by its ARN:
//   arn:aws:events:…:api-destination/<name>/<uuid>   WEBHOOK: the event is POSTed, signed
//   arn:aws:batch:…:job-queue/<name>                  JOB_QUEUE: SubmitJob with BatchParameters
// An ARN of neither kind, or one this organization does not own, is a failed entry (not an
// error), as PutTargets reports per-target problems.

import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { parseArn } from "@/lib/batch/arn";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, invalid } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "@/lib/resources/account";
import { parseEventPattern } from "./event-pattern";
import {
  afterToken,
  eventsArn,
  eventsName,
  limitField,
  nameWhere,
  nextTokenField,
  pageOf,
  parseEventsInput,
  text,
  wholeNumber,
} from "./events-input";

export const EVENT_RULE_STATES = ["ENABLED", "DISABLED"] as const;
/** AWS's quota: targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;
export const DEFAULT_EVENT_BUS = "default";

// ---- Rules ------------------------------------------------------------------------------------

const busField = text("EventBusName", 1600).optional();

/** Only the default bus exists; it may be named by its ARN too. */
async function checkBus(db: DbOrTx, organizationId: string, bus: string | undefined): Promise<void> {
  if (bus === undefined || bus === DEFAULT_EVENT_BUS) return;
  if (bus === eventsArn(await accountIdOf(db, organizationId), `event-bus/${DEFAULT_EVENT_BUS}`)) return;
  throw new AppError("NOT_FOUND", `Event bus ${bus} does not exist. Batchdeck has only the default event bus.`);
}

export const putRuleInput = z.object({
  Name: eventsName("Name"),
  EventPattern: text("EventPattern", 4096).optional(),
  ScheduleExpression: text("ScheduleExpression", 256, 0).optional(),
  State: z.enum(EVENT_RULE_STATES, { error: "State must be ENABLED or DISABLED." }).optional(),
  Description: text("Description", 512, 0).optional(),
  EventBusName: busField,
});
export type PutRuleInput = z.input<typeof putRuleInput>;

const ruleKeyInput = z.object({ Name: eventsName("Name"), EventBusName: busField });
export type RuleKeyInput = z.input<typeof ruleKeyInput>;

async function findRule(db: DbOrTx, organizationId: string, name: string) {
  const rule = await db.eventRule.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!rule) throw new AppError("NOT_FOUND", `Rule ${name} does not exist on EventBus default.`);
  return rule;
}

/** The pattern's problem as INVALID_INPUT naming the field (the API answers InvalidEventPatternException). */
function checkPattern(pattern: string): void {
  try {
    parseEventPattern(pattern);
  } catch (error) {
    if (error instanceof AppError) throw invalid(error.message, { EventPattern: [error.message] });
    throw error;
  }
}

/** Creates the rule, or replaces an existing one of that name (AWS: omitted fields are not kept). */
export async function putRule(ctx: OrgContext, input: PutRuleInput, now = Date.now()): Promise<{ RuleArn: string }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(putRuleInput, input);
  if (v.ScheduleExpression) {
    throw invalid(
      "Rules with a ScheduleExpression are not supported by Batchdeck: use EventBridge Scheduler (aws scheduler create-schedule) for schedules.",
    );
  }
  if (v.EventPattern === undefined) throw invalid("Parameter EventPattern must be specified.");
  checkPattern(v.EventPattern);
  const { organizationId } = ctx;
  const values = { eventPattern: v.EventPattern, state: v.State ?? "ENABLED", description: v.Description ?? null };
  // The organization's lock makes the lookup and the create one step: no racing first PutRule.
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    await checkBus(tx, organizationId, v.EventBusName);
    const existing = await tx.eventRule.findUnique({
      where: { organizationId_name: { organizationId, name: v.Name } },
      select: { id: true, arn: true },
    });
    const arn = existing?.arn ?? eventsArn(await accountIdOf(tx, organizationId), `rule/${v.Name}`);
    if (existing) {
      await tx.eventRule.update({ where: { id: existing.id }, data: { ...values, updatedAt: BigInt(now) } });
    } else {
      await tx.eventRule.create({
        data: {
          id: newId(),
          organizationId,
          name: v.Name,
          arn,
          ...values,
          createdAt: BigInt(now),
          updatedAt: BigInt(now),
        },
      });
    }
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: existing ? "eventRule.update" : "eventRule.create",
      targetType: "eventRule",
      targetId: arn,
      details: { state: values.state, eventPattern: values.eventPattern },
    });
    return { RuleArn: arn };
  });
}

export async function describeRule(ctx: OrgContext, input: RuleKeyInput) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(ruleKeyInput, input);
  await checkBus(ctx.db, ctx.organizationId, v.EventBusName);
  const rule = await findRule(ctx.db, ctx.organizationId, v.Name);
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    State: rule.state,
    ...(rule.description !== null ? { Description: rule.description } : {}),
    EventBusName: DEFAULT_EVENT_BUS,
    CreatedBy: await accountIdOf(ctx.db, ctx.organizationId),
  };
}

export const listRulesInput = z.object({
  NamePrefix: text("NamePrefix", 64).optional(),
  EventBusName: busField,
  Limit: limitField,
  NextToken: nextTokenField,
});
export type ListRulesInput = z.input<typeof listRulesInput>;

export async function listRules(ctx: OrgContext, input: ListRulesInput = {}) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(listRulesInput, input);
  await checkBus(ctx.db, ctx.organizationId, v.EventBusName);
  const limit = v.Limit ?? 100;
  const after = afterToken(v.NextToken);
  const rows = await ctx.db.eventRule.findMany({
    where: {
      organizationId: ctx.organizationId,
      ...nameWhere(ctx.db, v.NamePrefix, after),
    },
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  const { page, nextToken } = pageOf(rows, limit);
  return {
    Rules: page.map((r) => ({
      Name: r.name,
      Arn: r.arn,
      EventPattern: r.eventPattern,
      State: r.state,
      ...(r.description !== null ? { Description: r.description } : {}),
      EventBusName: DEFAULT_EVENT_BUS,
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

const deleteRuleInput = ruleKeyInput.extend({ Force: z.boolean({ error: "Force must be a boolean." }).optional() });

/** As on AWS, deleting a rule that does not exist succeeds; one with targets is refused. */
export async function deleteRule(ctx: OrgContext, input: z.input<typeof deleteRuleInput>): Promise<void> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(deleteRuleInput, input);
  const { organizationId } = ctx;
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    await checkBus(tx, organizationId, v.EventBusName);
    const rule = await tx.eventRule.findUnique({ where: { organizationId_name: { organizationId, name: v.Name } } });
    if (!rule) return;
    if ((await tx.eventTarget.count({ where: { organizationId, ruleId: rule.id } })) > 0) {
      throw invalid("Rule can't be deleted since it has targets.");
    }
    await tx.eventRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "eventRule.delete",
      targetType: "eventRule",
      targetId: rule.arn,
    });
  });
}

async function setRuleState(
  ctx: OrgContext,
  input: RuleKeyInput,
  state: (typeof EVENT_RULE_STATES)[number],
  now: number,
) {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(ruleKeyInput, input);
  const { organizationId } = ctx;
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    await checkBus(tx, organizationId, v.EventBusName);
    const rule = await findRule(tx, organizationId, v.Name);
    await tx.eventRule.update({ where: { id: rule.id }, data: { state, updatedAt: BigInt(now) } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: state === "ENABLED" ? "eventRule.enable" : "eventRule.disable",
      targetType: "eventRule",
      targetId: rule.arn,
    });
  });
}

export const enableRule = (ctx: OrgContext, input: RuleKeyInput, now = Date.now()) =>
  setRuleState(ctx, input, "ENABLED", now);
export const disableRule = (ctx: OrgContext, input: RuleKeyInput, now = Date.now()) =>
  setRuleState(ctx, input, "DISABLED", now);

// ---- Targets ----------------------------------------------------------------------------------

const batchParametersInput = z.object({
  JobDefinition: text("BatchParameters.JobDefinition", 1600),
  JobName: text("BatchParameters.JobName", 128),
  ArrayProperties: z.object({ Size: wholeNumber("ArrayProperties.Size", 2, 10_000).optional() }).optional(),
  RetryStrategy: z.object({ Attempts: wholeNumber("RetryStrategy.Attempts", 1, 10).optional() }).optional(),
});

const targetInput = z.object({
  Id: eventsName("Id"),
  Arn: text("Arn", 1600),
  Input: text("Input", 8192, 0)
    .refine((s) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    }, "Input must be valid JSON text.")
    .optional(),
  InputPath: z
    .unknown()
    .refine((v) => v === undefined, "InputPath is not supported by Batchdeck: use Input.")
    .optional(),
  InputTransformer: z
    .unknown()
    .refine((v) => v === undefined, "InputTransformer is not supported by Batchdeck: use Input.")
    .optional(),
  BatchParameters: batchParametersInput.optional(),
});

export const putTargetsInput = z.object({
  Rule: eventsName("Rule"),
  EventBusName: busField,
  Targets: z
    .array(targetInput, { error: "Targets must be a list." })
    .min(1, "Targets must name at least one target.")
    .max(10, "Targets can name at most 10 targets per call."),
});
export type PutTargetsInput = z.input<typeof putTargetsInput>;

export interface FailedEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

/** What EventTarget.batchParameters holds (the schema's comment). */
export interface StoredBatchParameters {
  jobDefinition: string;
  jobName: string;
  arraySize?: number;
  attempts?: number;
}

const API_DESTINATION_ARN = /^arn:aws[a-z-]*:events:[^:]*:(\d{12}):api-destination\/[^/]+\/[^/]+$/;

type Resolved = { kind: "WEBHOOK" | "JOB_QUEUE" } | { failed: Omit<FailedEntry, "TargetId"> };

async function resolveTarget(
  tx: DbOrTx,
  organizationId: string,
  accountId: string,
  target: z.output<typeof targetInput>,
): Promise<Resolved> {
  const missing = { failed: { ErrorCode: "ResourceNotFoundException", ErrorMessage: `${target.Arn} does not exist.` } };
  const destination = API_DESTINATION_ARN.exec(target.Arn);
  if (destination) {
    if (destination[1] !== accountId) return missing;
    const row = await tx.apiDestination.findFirst({ where: { organizationId, arn: target.Arn }, select: { id: true } });
    return row ? { kind: "WEBHOOK" } : missing;
  }
  const batch = parseArn(target.Arn);
  if (batch?.resourceType === "job-queue") {
    if (batch.accountId !== accountId) return missing;
    const queue = await tx.jobQueue.findFirst({
      where: { organizationId, liveName: batch.name },
      select: { id: true },
    });
    return queue ? { kind: "JOB_QUEUE" } : missing;
  }
  return {
    failed: {
      ErrorCode: "ValidationException",
      ErrorMessage: `${target.Arn} is neither an API destination nor a Batch job queue, the targets Batchdeck rules can have.`,
    },
  };
}

export async function putTargets(
  ctx: OrgContext,
  input: PutTargetsInput,
  now = Date.now(),
): Promise<{ FailedEntryCount: number; FailedEntries: FailedEntry[] }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(putTargetsInput, input);
  const ids = v.Targets.map((t) => t.Id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw invalid(`Targets name Id ${duplicate} more than once.`);
  for (const t of v.Targets) {
    if (parseArn(t.Arn)?.resourceType === "job-queue" && !t.BatchParameters) {
      throw invalid(`Parameter BatchParameters must be specified for target ${t.Id}: its Arn is a Batch job queue.`);
    }
  }
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    await checkBus(tx, organizationId, v.EventBusName);
    const rule = await findRule(tx, organizationId, v.Rule);
    const accountId = await accountIdOf(tx, organizationId);
    const failed: FailedEntry[] = [];
    const accepted: { target: (typeof v.Targets)[number]; kind: "WEBHOOK" | "JOB_QUEUE" }[] = [];
    for (const target of v.Targets) {
      const resolved = await resolveTarget(tx, organizationId, accountId, target);
      if ("failed" in resolved) failed.push({ TargetId: target.Id, ...resolved.failed });
      else accepted.push({ target, kind: resolved.kind });
    }
    const existing = await tx.eventTarget.findMany({
      where: { organizationId, ruleId: rule.id },
      select: { id: true, targetId: true },
    });
    const byId = new Map(existing.map((e) => [e.targetId, e.id]));
    const total = new Set([...byId.keys(), ...accepted.map((a) => a.target.Id)]).size;
    if (total > MAX_TARGETS_PER_RULE) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `A rule can have at most ${MAX_TARGETS_PER_RULE} targets; rule ${rule.name} would have ${total}.`,
      );
    }
    for (const { target, kind } of accepted) {
      const b = target.BatchParameters;
      const stored: StoredBatchParameters | null =
        kind === "JOB_QUEUE" && b
          ? {
              jobDefinition: b.JobDefinition,
              jobName: b.JobName,
              ...(b.ArrayProperties?.Size !== undefined ? { arraySize: b.ArrayProperties.Size } : {}),
              ...(b.RetryStrategy?.Attempts !== undefined ? { attempts: b.RetryStrategy.Attempts } : {}),
            }
          : null;
      const data = {
        arn: target.Arn,
        kind,
        batchParameters: stored ? JSON.stringify(stored) : null,
        input: target.Input ?? null,
      };
      const rowId = byId.get(target.Id);
      if (rowId) await tx.eventTarget.update({ where: { id: rowId }, data });
      else {
        await tx.eventTarget.create({
          data: { id: newId(), ruleId: rule.id, organizationId, targetId: target.Id, ...data, createdAt: BigInt(now) },
        });
      }
    }
    if (accepted.length > 0) {
      await tx.eventRule.update({ where: { id: rule.id }, data: { updatedAt: BigInt(now) } });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "eventRule.putTargets",
        targetType: "eventRule",
        targetId: rule.arn,
        details: { targets: accepted.map(({ target, kind }) => ({ id: target.Id, arn: target.Arn, kind })) },
      });
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  });
}

const listTargetsInput = z.object({
  Rule: eventsName("Rule"),
  EventBusName: busField,
  Limit: limitField,
  NextToken: nextTokenField,
});

type TargetRow = { targetId: string; arn: string; kind: string; input: string | null; batchParameters: string | null };

function targetOutput(t: TargetRow) {
  const b = t.batchParameters ? (JSON.parse(t.batchParameters) as StoredBatchParameters) : null;
  return {
    Id: t.targetId,
    Arn: t.arn,
    ...(t.input !== null ? { Input: t.input } : {}),
    ...(b
      ? {
          BatchParameters: {
            JobDefinition: b.jobDefinition,
            JobName: b.jobName,
            ...(b.arraySize !== undefined ? { ArrayProperties: { Size: b.arraySize } } : {}),
            ...(b.attempts !== undefined ? { RetryStrategy: { Attempts: b.attempts } } : {}),
          },
        }
      : {}),
  };
}

export async function listTargetsByRule(ctx: OrgContext, input: z.input<typeof listTargetsInput>) {
  requirePermission(ctx, "resources.view");
  const v = parseEventsInput(listTargetsInput, input);
  await checkBus(ctx.db, ctx.organizationId, v.EventBusName);
  const rule = await findRule(ctx.db, ctx.organizationId, v.Rule);
  const limit = v.Limit ?? 100;
  const after = afterToken(v.NextToken);
  const rows = await ctx.db.eventTarget.findMany({
    where: { organizationId: ctx.organizationId, ruleId: rule.id, ...(after ? { targetId: { gt: after } } : {}) },
    orderBy: { targetId: "asc" },
    take: limit + 1,
  });
  const { page, nextToken } = pageOf(
    rows.map((r) => ({ ...r, name: r.targetId })),
    limit,
  );
  return { Targets: page.map(targetOutput), ...(nextToken ? { NextToken: nextToken } : {}) };
}

const removeTargetsInput = z.object({
  Rule: eventsName("Rule"),
  EventBusName: busField,
  Ids: z
    .array(eventsName("Ids"), { error: "Ids must be a list." })
    .min(1, "Ids must name at least one target.")
    .max(100, "Ids can name at most 100 targets."),
  Force: z.boolean({ error: "Force must be a boolean." }).optional(),
});

/** Ids the rule does not have are already removed: they succeed, as removal is idempotent. */
export async function removeTargets(
  ctx: OrgContext,
  input: z.input<typeof removeTargetsInput>,
  now = Date.now(),
): Promise<{ FailedEntryCount: number; FailedEntries: FailedEntry[] }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(removeTargetsInput, input);
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    await checkBus(tx, organizationId, v.EventBusName);
    const rule = await findRule(tx, organizationId, v.Rule);
    const removed = await tx.eventTarget.deleteMany({
      where: { organizationId, ruleId: rule.id, targetId: { in: v.Ids } },
    });
    if (removed.count > 0) {
      await tx.eventRule.update({ where: { id: rule.id }, data: { updatedAt: BigInt(now) } });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "eventRule.removeTargets",
        targetType: "eventRule",
        targetId: rule.arn,
        details: { ids: v.Ids },
      });
    }
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
}

// ---- Console ------------------------------------------------------------------------------------

export interface RuleTargetView {
  id: string;
  arn: string;
  kind: string;
  /** The API destination's or job queue's name, read from the ARN. */
  resourceName: string;
  input: string | null;
  batchParameters: StoredBatchParameters | null;
}

export interface RuleWithTargetsView {
  name: string;
  arn: string;
  description: string | null;
  eventPattern: string;
  state: string;
  createdAt: number;
  updatedAt: number;
  targets: RuleTargetView[];
}

/** arn:aws:events:…:api-destination/<name>/<uuid> and arn:aws:batch:…:job-queue/<name> → <name>. */
const resourceNameOf = (arn: string) => arn.split(":").slice(5).join(":").split("/")[1] ?? arn;

export async function listRulesWithTargets(ctx: OrgContext): Promise<RuleWithTargetsView[]> {
  requirePermission(ctx, "resources.view");
  const rules = await ctx.db.eventRule.findMany({
    where: { organizationId: ctx.organizationId },
    include: { targets: { orderBy: { targetId: "asc" } } },
    orderBy: { name: "asc" },
  });
  return rules.map((r) => ({
    name: r.name,
    arn: r.arn,
    description: r.description,
    eventPattern: r.eventPattern,
    state: r.state,
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    targets: r.targets.map((t) => ({
      id: t.targetId,
      arn: t.arn,
      kind: t.kind,
      resourceName: resourceNameOf(t.arn),
      input: t.input,
      batchParameters: t.batchParameters ? (JSON.parse(t.batchParameters) as StoredBatchParameters) : null,
    })),
  }));
}

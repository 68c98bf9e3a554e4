// EventBridge Scheduler's REST API (restJson1, signed for "scheduler") for schedules whose target
// is Batch SubmitJob, so `aws scheduler … --endpoint-url` works unchanged:
//   POST/GET/PUT/DELETE /schedules/{Name}   CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule
//   GET /schedules                          ListSchedules
// Targets: the templated Batch target (Target.Arn = a job queue ARN, BatchParameters) with Input,
// when given, a JSON object of further SubmitJob fields (parameters, containerOverrides, timeout,
// tags…); or the universal target arn:aws:scheduler:::aws-sdk:batch:submitJob whose Input is the
// whole SubmitJob request. Timestamps are epoch seconds, as the protocol has them.
import { randomUUID } from "node:crypto";
import { ApiError, errorResponse, jsonBody, parseJsonObject } from "@/lib/api/errors";
import { type ApiDeps, authenticate } from "@/lib/api/v1-handler";
import type { OrgContext } from "@/lib/auth/context";
import { jobQueueArn, parseArn } from "@/lib/batch/arn";
import { AppError } from "@/lib/errors";
import { accountIdOf } from "@/lib/resources/account";
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  type ScheduleInput,
  type ScheduleView,
  scheduleRowFor,
  updateSchedule,
} from "./schedules";

const UNIVERSAL_SUBMIT_JOB = "arn:aws:scheduler:::aws-sdk:batch:submitJob";

/** Scheduler's modeled errors for what the domain raises. */
function schedulerError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case "INVALID_INPUT":
    case "LIMIT_EXCEEDED":
      return new ApiError("ValidationException", 400, error.message);
    case "NOT_FOUND":
      return new ApiError("ResourceNotFoundException", 404, error.message);
    case "CONFLICT":
      return new ApiError("ConflictException", 409, error.message);
    default:
      return error;
  }
}

const invalid = (message: string) => new ApiError("ValidationException", 400, message);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function seconds(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw invalid(`${field} must be a timestamp.`);
}

function parseInput(text: string | undefined): Json {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("Target.Input must be a JSON object.");
  }
  const o = obj(value);
  if (!o) throw invalid("Target.Input must be a JSON object.");
  // The universal target takes the SDK's PascalCase names; SubmitJob's wire names are camelCase.
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}

/** Scheduler's Target as the SubmitJob request a fire sends. */
function submitJobOf(target: Json): Record<string, unknown> {
  const arn = str(target.Arn);
  if (!arn) throw invalid("Target.Arn is required.");
  const input = parseInput(str(target.Input));
  if (arn === UNIVERSAL_SUBMIT_JOB) return input;
  const parsed = parseArn(arn);
  if (!parsed || parsed.resourceType !== "job-queue") {
    throw invalid(
      `Target.Arn must be a Batch job queue ARN (or ${UNIVERSAL_SUBMIT_JOB}); Batchdeck schedules submit Batch jobs.`,
    );
  }
  const batch = obj(target.BatchParameters);
  if (!batch) throw invalid("Target.BatchParameters is required for a Batch job queue target.");
  const size = obj(batch.ArrayProperties)?.Size;
  const attempts = obj(batch.RetryStrategy)?.Attempts;
  return {
    ...input,
    jobQueue: arn,
    jobDefinition: batch.JobDefinition,
    jobName: batch.JobName,
    ...(size !== undefined ? { arrayProperties: { size } } : {}),
    ...(attempts !== undefined ? { retryStrategy: { ...(obj(input.retryStrategy) ?? {}), attempts } } : {}),
  };
}

function scheduleInputOf(name: string, body: Json): ScheduleInput {
  const target = obj(body.Target);
  if (!target) throw invalid("Target is required.");
  const window = obj(body.FlexibleTimeWindow);
  if (!window) throw invalid("FlexibleTimeWindow is required.");
  const mode = str(window.Mode);
  if (mode !== "OFF" && mode !== "FLEXIBLE") throw invalid("FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.");
  if (mode === "FLEXIBLE" && typeof window.MaximumWindowInMinutes !== "number") {
    throw invalid("FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE.");
  }
  return {
    name,
    groupName: str(body.GroupName) ?? "default",
    description: str(body.Description),
    expression: str(body.ScheduleExpression) ?? "",
    timezone: str(body.ScheduleExpressionTimezone) ?? "UTC",
    startDate: seconds(body.StartDate, "StartDate"),
    endDate: seconds(body.EndDate, "EndDate"),
    state: (str(body.State) ?? "ENABLED") as ScheduleInput["state"],
    flexibleWindowMinutes: mode === "FLEXIBLE" ? (window.MaximumWindowInMinutes as number) : null,
    target: submitJobOf(target) as ScheduleInput["target"],
    roleArn: str(target.RoleArn),
    actionAfterCompletion: (str(body.ActionAfterCompletion) ?? "NONE") as ScheduleInput["actionAfterCompletion"],
  };
}

const epochSeconds = (ms: number | null) => (ms === null ? undefined : ms / 1000);

async function targetOf(ctx: OrgContext, s: ScheduleView): Promise<Json> {
  const { jobQueue, jobDefinition, jobName, arrayProperties, retryStrategy, ...rest } = s.target;
  const queueArn = jobQueue.startsWith("arn:")
    ? jobQueue
    : jobQueueArn(await accountIdOf(ctx.db, ctx.organizationId), jobQueue);
  return {
    Arn: queueArn,
    ...(s.roleArn ? { RoleArn: s.roleArn } : {}),
    BatchParameters: {
      JobDefinition: jobDefinition,
      JobName: jobName,
      ...(arrayProperties?.size ? { ArrayProperties: { Size: arrayProperties.size } } : {}),
      ...(retryStrategy?.attempts ? { RetryStrategy: { Attempts: retryStrategy.attempts } } : {}),
    },
    ...(Object.keys(rest).length > 0 ? { Input: JSON.stringify(rest) } : {}),
  };
}

async function scheduleOutput(ctx: OrgContext, s: ScheduleView): Promise<Json> {
  return {
    ActionAfterCompletion: s.actionAfterCompletion,
    Arn: s.arn,
    CreationDate: epochSeconds(s.createdAt),
    Description: s.description ?? undefined,
    EndDate: epochSeconds(s.endDate),
    FlexibleTimeWindow:
      s.flexibleWindowMinutes === null
        ? { Mode: "OFF" }
        : { Mode: "FLEXIBLE", MaximumWindowInMinutes: s.flexibleWindowMinutes },
    GroupName: s.groupName,
    LastModificationDate: epochSeconds(s.updatedAt),
    Name: s.name,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    StartDate: epochSeconds(s.startDate),
    State: s.state,
    Target: await targetOf(ctx, s),
  };
}

function ok(body: unknown, requestId: string): Response {
  return new Response(jsonBody(body ?? {}), {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
  });
}

export function createSchedulerHandler(deps: ApiDeps) {
  return async function handle(req: Request, name: string | null): Promise<Response> {
    const requestId = randomUUID();
    try {
      const { ctx, body, url } = await authenticate(req, deps, { service: "scheduler" });
      const method = req.method.toUpperCase();
      const groupName = url.searchParams.get("groupName") ?? undefined;
      if (name === null) {
        if (method !== "GET")
          throw new ApiError("UnknownOperationException", 404, `${method} /schedules is not an operation.`);
        const maxResults = url.searchParams.get("MaxResults");
        const { schedules, nextToken } = await listSchedules(ctx, {
          groupName: url.searchParams.get("ScheduleGroup") ?? undefined,
          namePrefix: url.searchParams.get("NamePrefix") ?? undefined,
          state: (url.searchParams.get("State") ?? undefined) as "ENABLED" | "DISABLED" | undefined,
          maxResults: maxResults ? Number(maxResults) : undefined,
          nextToken: url.searchParams.get("NextToken") ?? undefined,
        });
        const out = await Promise.all(
          schedules.map(async (s) => ({
            Arn: s.arn,
            CreationDate: epochSeconds(s.createdAt),
            GroupName: s.groupName,
            LastModificationDate: epochSeconds(s.updatedAt),
            Name: s.name,
            State: s.state,
            Target: { Arn: (await targetOf(ctx, s)).Arn },
          })),
        );
        return ok({ Schedules: out, ...(nextToken ? { NextToken: nextToken } : {}) }, requestId);
      }
      if (method === "GET")
        return ok(await scheduleOutput(ctx, await getSchedule(ctx, { name, groupName })), requestId);
      if (method === "DELETE") {
        await deleteSchedule(ctx, { name, groupName });
        return ok({}, requestId);
      }
      const input = scheduleInputOf(name, parseJsonObject(body, req.headers.get("content-type")));
      if (method === "POST") return ok({ ScheduleArn: (await createSchedule(ctx, input)).scheduleArn }, requestId);
      if (method === "PUT") {
        // The API has no words for Batchdeck's missed-fire and overlap policies: keep them.
        const existing = await scheduleRowFor(ctx, { name, groupName: input.groupName });
        const full = {
          ...input,
          missedFirePolicy: existing.missedFirePolicy as ScheduleInput["missedFirePolicy"],
          overlapPolicy: existing.overlapPolicy as ScheduleInput["overlapPolicy"],
        };
        return ok({ ScheduleArn: (await updateSchedule(ctx, full)).scheduleArn }, requestId);
      }
      throw new ApiError("UnknownOperationException", 404, `${method} /schedules/{Name} is not an operation.`);
    } catch (error) {
      return errorResponse(schedulerError(error), { requestId });
    }
  };
}

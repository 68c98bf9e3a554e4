// EventBridge Scheduler's REST API (restJson1, signed for "scheduler") for schedules that submit
// Batch jobs, so `aws scheduler … --endpoint-url` works unchanged:
//   POST/GET/PUT/DELETE /schedules/{Name}   CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule
//   GET /schedules                          ListSchedules
// Scheduler reaches Batch through its universal target: Target.Arn
// arn:aws:scheduler:::aws-sdk:batch:submitJob, Target.Input the SubmitJob request as JSON (AWS's
// PascalCase member names, or the wire's camelCase). The Target is kept as it was sent and
// returned so by GetSchedule. Timestamps are epoch seconds, as the protocol has them.
import { randomUUID } from "node:crypto";
import { ApiError, errorResponse, jsonBody, parseJsonObject } from "@/lib/api/errors";
import { type ApiDeps, authenticate } from "@/lib/api/v1-handler";
import { AppError } from "@/lib/errors";
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

/** Keys of maps whose keys are the user's own, kept as they are (SubmitJob's parameters, tags). */
const USER_KEYED = new Set(["parameters", "tags"]);

/** PascalCase member names to SubmitJob's camelCase wire names, at every depth. */
function camelCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCased);
  const o = obj(value);
  if (!o) return value;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => {
      const key = k.charAt(0).toLowerCase() + k.slice(1);
      return [key, USER_KEYED.has(key) ? v : camelCased(v)];
    }),
  );
}

/** Scheduler's Target as the SubmitJob request a fire sends. */
function submitJobOf(target: Json): Record<string, unknown> {
  const arn = str(target.Arn);
  if (!arn) throw invalid("Target.Arn is required.");
  if (arn !== UNIVERSAL_SUBMIT_JOB) {
    throw invalid(
      `Target.Arn must be ${UNIVERSAL_SUBMIT_JOB} (EventBridge Scheduler's universal target for Batch SubmitJob); Batchdeck schedules submit Batch jobs.`,
    );
  }
  const text = str(target.Input);
  if (text === undefined || text.trim() === "") {
    throw invalid("Target.Input is required: the SubmitJob request (JobName, JobQueue, JobDefinition …) as JSON.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("Target.Input must be a JSON object: the SubmitJob request.");
  }
  const input = obj(camelCased(value));
  if (!input) throw invalid("Target.Input must be a JSON object: the SubmitJob request.");
  return input;
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
    apiTarget: JSON.stringify(target),
    actionAfterCompletion: (str(body.ActionAfterCompletion) ?? "NONE") as ScheduleInput["actionAfterCompletion"],
  };
}

const epochSeconds = (ms: number | null) => (ms === null ? undefined : ms / 1000);

/** PascalCase member names, for a Target derived from a schedule made in the console. */
function pascalCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalCased);
  const o = obj(value);
  if (!o) return value;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), USER_KEYED.has(k) ? v : pascalCased(v)]),
  );
}

function targetOf(s: ScheduleView): Json {
  if (s.apiTarget) return JSON.parse(s.apiTarget) as Json;
  return {
    Arn: UNIVERSAL_SUBMIT_JOB,
    ...(s.roleArn ? { RoleArn: s.roleArn } : {}),
    Input: JSON.stringify(pascalCased(s.target)),
  };
}

function scheduleOutput(s: ScheduleView): Json {
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
    Target: targetOf(s),
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
        const out = schedules.map((s) => ({
          Arn: s.arn,
          CreationDate: epochSeconds(s.createdAt),
          GroupName: s.groupName,
          LastModificationDate: epochSeconds(s.updatedAt),
          Name: s.name,
          State: s.state,
          Target: { Arn: targetOf(s).Arn },
        }));
        return ok({ Schedules: out, ...(nextToken ? { NextToken: nextToken } : {}) }, requestId);
      }
      if (method === "GET") return ok(scheduleOutput(await getSchedule(ctx, { name, groupName })), requestId);
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

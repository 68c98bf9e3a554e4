// The part of the action wrapper that does not depend on Next.js: permission, validation, call.
// Tests drive it directly with contexts for each role.
import { z } from "zod";
import { AppError, invalid } from "@/lib/errors";
import { logger } from "@/lib/log";
import { findUnstorableText } from "@/lib/text-input";
import type { OrgContext } from "./context";
import { requirePermission } from "./context";
import type { Permission } from "./permissions";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: string; error: string; fieldErrors?: Record<string, string[]> };

export interface Operation<S extends z.ZodType, T> {
  name: string;
  permission: Permission;
  input: S;
  run: (ctx: OrgContext, input: z.output<S>) => Promise<T>;
}

export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (typeof value !== "string") continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const input = raw instanceof FormData ? formDataToObject(raw) : raw;
  const unstorable = findUnstorableText(input);
  if (unstorable) {
    const key = unstorable.path.length ? unstorable.path.join(".") : "_";
    const where = unstorable.path.length ? `${key}: ` : "";
    throw invalid(`${where}${unstorable.message}`, { [key]: [unstorable.message] });
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  throw invalid(`${where}${first?.message ?? "Invalid input"}`, fieldErrors);
}

export async function executeOperation<S extends z.ZodType, T>(
  op: Operation<S, T>,
  ctx: OrgContext,
  raw: unknown,
): Promise<T> {
  requirePermission(ctx, op.permission);
  return op.run(ctx, parseInput(op.input, raw));
}

export function toActionError(error: unknown, name: string): ActionResult<never> {
  if (error instanceof AppError) {
    return { ok: false, code: error.code, error: error.message, fieldErrors: error.fieldErrors };
  }
  logger().error("server action failed", { component: "web", action: name, error });
  return { ok: false, code: "INTERNAL", error: "Something went wrong on the server. Please try again." };
}

export { z };

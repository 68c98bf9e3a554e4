// The install's operator (User.isOperator): the person who runs Batchdeck for many
// organizations. They set each organization's quotas and read every organization's usage; they
// have no role in an organization by being operator (an organization's admins are its own).
// This part has no Next.js in it, so tests drive it directly.
import type { z } from "zod";
import type { Actor } from "@/lib/audit";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseInput } from "./operation";

export interface OperatorContext {
  db: Db;
  user: { id: string; email: string; name: string };
}

export interface OperatorActionDefinition<S extends z.ZodType = z.ZodType, T = unknown> {
  name: string;
  input: S;
  run: (ctx: OperatorContext & { actor: Actor }, input: z.output<S>) => Promise<T>;
  /** The organizations the action changed, whose shared reads start afresh. */
  touches?: (result: T) => string[];
}

export const operatorActionRegistry = new Map<string, OperatorActionDefinition>();

/** Is this user the install's operator now? Read afresh: never from a session or a cache. */
export async function isOperator(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { isOperator: true } });
  return user?.isOperator === true;
}

export async function requireOperator(ctx: OperatorContext): Promise<void> {
  if (!(await isOperator(ctx.db, ctx.user.id))) {
    throw new AppError("FORBIDDEN", "Only the install's operator can do this.");
  }
}

export async function executeOperatorAction<S extends z.ZodType, T>(
  def: OperatorActionDefinition<S, T>,
  ctx: OperatorContext,
  raw: unknown,
): Promise<T> {
  await requireOperator(ctx);
  const actor: Actor = { userId: ctx.user.id, email: ctx.user.email, source: "console" };
  return def.run({ ...ctx, actor }, parseInput(def.input, raw));
}

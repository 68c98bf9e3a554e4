// The one wrapper for the console's route handlers: session, membership, permission, validated
// query, JSON out, errors mapped to a status with a clear message (never a stack trace).
import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import type { OrgContext } from "./context";
import { requirePermission } from "./context";
import { parseInput } from "./operation";
import type { Permission } from "./permissions";
import { currentOrgContext } from "./request";

export function orgRoute<Q extends z.ZodType>(
  def: { permission: Permission; query: Q },
  handler: (req: Request, ctx: OrgContext, query: z.output<Q>) => Promise<unknown>,
) {
  return async (req: Request): Promise<Response> => {
    try {
      const ctx = await currentOrgContext();
      requirePermission(ctx, def.permission);
      const query = parseInput(def.query, Object.fromEntries(new URL(req.url).searchParams));
      const result = await handler(req, ctx, query);
      return result instanceof Response ? result : jsonResponse(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(
    JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
    {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    },
  );
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return jsonResponse(
      { error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors } },
      error.status,
    );
  }
  logger().error("route handler failed", { component: "web", error });
  return jsonResponse({ error: { code: "INTERNAL", message: "Internal error" } }, 500);
}

// The one wrapper for the console's route handlers (STYLE.md point 2): session, membership,
// permission, the route's params and query validated with zod, JSON out, errors mapped to a
// status with a clear message (never a stack trace).
import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import type { OrgContext } from "./context";
import { requirePermission } from "./context";
import { parseInput } from "./operation";
import type { Permission } from "./permissions";
import { currentOrgContext } from "./request";

const noParams = z.object({});

export interface RouteDefinition<Q extends z.ZodType, P extends z.ZodType> {
  permission: Permission;
  /** The query string's schema. */
  query: Q;
  /** The dynamic segments' schema (app/api/jobs/[jobId]/… → { jobId }); none when absent. */
  params?: P;
}

/** What a handler is called with: everything checked and parsed. */
export interface RouteCall<Q, P> {
  req: Request;
  ctx: OrgContext;
  query: Q;
  params: P;
}

export function orgRoute<Q extends z.ZodType, P extends z.ZodType = typeof noParams>(
  def: RouteDefinition<Q, P>,
  handler: (call: RouteCall<z.output<Q>, z.output<P>>) => Promise<unknown>,
) {
  // Next.js passes `params` to a route with dynamic segments only.
  return async (req: Request, segments?: { params?: Promise<z.input<P>> }): Promise<Response> => {
    try {
      const ctx = await currentOrgContext();
      requirePermission(ctx, def.permission);
      const params = parseInput(def.params ?? noParams, (await segments?.params) ?? {}) as z.output<P>;
      const query = parseInput(def.query, Object.fromEntries(new URL(req.url).searchParams));
      const result = await handler({ req, ctx, query, params });
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

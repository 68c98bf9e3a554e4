// The one wrapper every server action goes through (STYLE.md point 2): authenticate, resolve
// the membership, check the permission, validate with zod, call the domain function, and turn
// errors into a result the form can show beside the right field. Every action registers itself,
// so the authorization matrix test can find each one.
import "server-only";
import type { z } from "zod";
import { organizationChanged } from "@/lib/shared-read";
import { type ActionResult, executeOperation, toActionError } from "./operation";
import type { Permission } from "./permissions";
import { currentOrgContext } from "./request";

export type { ActionResult } from "./operation";

export interface ActionDefinition<S extends z.ZodType = z.ZodType, T = unknown> {
  name: string;
  permission: Permission;
  input: S;
  run: (ctx: import("./context").OrgContext, input: z.output<S>) => Promise<T>;
}

export const actionRegistry = new Map<string, ActionDefinition>();

export function orgAction<S extends z.ZodType, T>(def: ActionDefinition<S, T>) {
  if (actionRegistry.has(def.name)) throw new Error(`Server action ${def.name} is defined twice`);
  actionRegistry.set(def.name, def as unknown as ActionDefinition);
  return async (raw: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      const ctx = await currentOrgContext();
      try {
        return { ok: true, data: await executeOperation(def, ctx, raw) };
      } finally {
        // Refused or not, an action may have changed something: the next reads start afresh.
        organizationChanged(ctx.organizationId);
      }
    } catch (error) {
      return toActionError(error, def.name);
    }
  };
}

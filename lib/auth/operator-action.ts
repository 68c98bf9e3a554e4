// The wrapper for the install operator's server actions (lib/operator/), as orgAction is for an
// organization's: the operator acts across organizations, so there is no membership or role to
// check, only the caller's own User.isOperator, read from the database at each call (revoking it
// takes effect at once). Every operator action registers itself, so the authorization matrix
// can call each one as an organization admin who is not the operator, and see it refused.
import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { organizationChanged } from "@/lib/shared-read";
import { type ActionResult, toActionError } from "./operation";
import { executeOperatorAction, type OperatorActionDefinition, operatorActionRegistry } from "./operator";
import { currentSession } from "./request";

export function operatorAction<S extends z.ZodType, T>(def: OperatorActionDefinition<S, T>) {
  if (operatorActionRegistry.has(def.name)) throw new Error(`Server action ${def.name} is defined twice`);
  operatorActionRegistry.set(def.name, def as unknown as OperatorActionDefinition);
  return async (raw: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      const session = await currentSession();
      if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
      const data = await executeOperatorAction(def, { db: db(), user: session.user }, raw);
      for (const id of def.touches?.(data) ?? []) organizationChanged(id);
      return { ok: true, data };
    } catch (error) {
      return toActionError(error, def.name);
    }
  };
}

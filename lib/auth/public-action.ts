// The one wrapper for the server actions anyone may call before signing in (sign-in, sign-up,
// accepting an invitation, which a signed-in invitee also calls: that action checks the session
// itself), as orgAction (action.ts) is for the signed-in ones. Each of them
// validates the form with zod, calls its domain function with the database and the client's
// address, and ends with the caller signed in: the session cookie set, then a redirect. Errors
// are mapped as orgAction maps them (operation.ts toActionError): an AppError is the form's
// message and field errors, anything else is logged and answered with an opaque one. Every
// public action registers itself, so the authorization matrix can tell them from the actions
// that skip every wrapper.
import "server-only";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { type Db, db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "./client-address";
import { setSessionCookie } from "./cookies";
import { type ActionResult, parseInput, toActionError } from "./operation";
import { createSession } from "./session";

export interface SignedIn {
  token: string;
  expiresAt: Date;
}

/** What a public action runs with: there is no caller yet, only a client. */
export interface PublicContext {
  db: Db;
  /** The client's address (client-address.ts), for per-address limits. */
  clientAddress: string;
  /** How long a new session lasts here (BATCHDECK_SESSION_DAYS). */
  sessionDays: number;
  /** Signs a user in: a new session in the organization (or none yet). */
  startSession(user: { userId: string; organizationId: string | null }): Promise<SignedIn>;
}

export interface PublicActionDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  input: S;
  /** A reason to refuse every call, checked before the input (e.g. sign-up turned off); null to go on. */
  refuse?: () => string | null;
  /** The domain call; it ends with the user signed in. */
  run: (ctx: PublicContext, input: z.output<S>) => Promise<SignedIn>;
  /** Where the signed-in user goes next; "/" when absent. */
  next?: (form: FormData) => string;
}

export const publicActionRegistry = new Map<string, PublicActionDefinition>();

export function publicContextFor(database: Db, opts: { clientAddress: string; sessionDays: number }): PublicContext {
  return {
    db: database,
    ...opts,
    startSession: ({ userId, organizationId }) =>
      createSession(database, { userId, organizationId, days: opts.sessionDays }),
  };
}

/** The refusal, validation and call, without Next.js: what the wrapper runs and tests drive. */
export async function executePublicAction<S extends z.ZodType>(
  def: PublicActionDefinition<S>,
  ctx: PublicContext,
  raw: unknown,
): Promise<SignedIn> {
  const refusal = def.refuse?.();
  if (refusal) throw new AppError("FORBIDDEN", refusal);
  return def.run(ctx, parseInput(def.input, raw));
}

/** A server action for useActionState: an error for the form, or signed in and redirected. */
export function publicAction<S extends z.ZodType>(def: PublicActionDefinition<S>) {
  if (publicActionRegistry.has(def.name)) throw new Error(`Public action ${def.name} is defined twice`);
  publicActionRegistry.set(def.name, def as unknown as PublicActionDefinition);
  return async (_previous: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> => {
    try {
      const ctx = publicContextFor(db(), {
        clientAddress: await clientAddress(),
        sessionDays: env().BATCHDECK_SESSION_DAYS,
      });
      const session = await executePublicAction(def, ctx, form);
      await setSessionCookie(session.token, session.expiresAt);
    } catch (error) {
      return toActionError(error, def.name);
    }
    // Outside the try: redirect() throws the signal Next.js acts on.
    redirect(def.next?.(form) ?? "/");
  };
}

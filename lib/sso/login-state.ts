// A sign-in under way, between /sso/start and /sso/callback: the PKCE verifier, the nonce, the
// provider and where to go next, keyed by the SHA-256 of the `state` value (which only the
// browser's cookie and the provider's redirect carry). Single use: the callback deletes the row
// before it does anything else, and only the request whose delete removed it goes on. Rows live
// ten minutes; expired ones are pruned whenever a new one is made.
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/lib/db";
import { SsoSignInError } from "./problems";

export const LOGIN_STATE_MS = 10 * 60_000;

const stateId = (state: string) => createHash("sha256").update(state).digest("hex");

export interface LoginState {
  codeVerifier: string;
  nonce: string;
  organizationId: string | null;
  redirectUri: string;
  next: string;
}

export async function createLoginState(
  db: DbOrTx,
  state: string,
  data: LoginState,
  now = Date.now(),
): Promise<{ expiresAt: Date }> {
  await db.ssoLoginState.deleteMany({ where: { expiresAt: { lte: new Date(now) } } });
  const expiresAt = new Date(now + LOGIN_STATE_MS);
  await db.ssoLoginState.create({ data: { id: stateId(state), ...data, expiresAt } });
  return { expiresAt };
}

/** The sign-in `state` names, removed as it is read; refused when unknown, used or expired. */
export async function consumeLoginState(db: DbOrTx, state: string, now = Date.now()): Promise<LoginState> {
  if (state.length === 0 || state.length > 500) throw new SsoSignInError("expired");
  const id = stateId(state);
  const row = await db.ssoLoginState.findUnique({ where: { id } });
  if (!row) throw new SsoSignInError("expired");
  const { count } = await db.ssoLoginState.deleteMany({ where: { id } });
  if (count === 0 || row.expiresAt.getTime() <= now) throw new SsoSignInError("expired");
  return {
    codeVerifier: row.codeVerifier,
    nonce: row.nonce,
    organizationId: row.organizationId,
    redirectUri: row.redirectUri,
    next: row.next,
  };
}

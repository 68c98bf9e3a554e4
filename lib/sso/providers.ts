// The provider a sign-in goes through: an organization's (Settings → Single sign-on, when turned
// on) or the install's (BATCHDECK_OIDC_*), as one policy shape the start and the callback share.
import { isRole, type Role } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db";
import { type Env, env } from "@/lib/env";
import { logger } from "@/lib/log";
import { SecretError } from "@/lib/secrets";
import { readDomainColumn } from "./domains";
import type { ProviderClient } from "./oidc";
import { SsoSignInError } from "./problems";
import { openSsoClientSecret } from "./seal";

export interface SsoPolicy extends ProviderClient {
  /** The organization whose provider this is; null for the install-wide one. */
  organization: { id: string; name: string; slug: string } | null;
  /** Email domains that may link or join (empty: any). The install-wide provider: any. */
  allowedDomains: string[];
  defaultRole: Role;
  /** Create accounts and memberships on first sign-in. Never for the install-wide provider. */
  createMembers: boolean;
}

/** The install-wide provider, or null when BATCHDECK_OIDC_* are not set. */
export function installProvider(config: Env = env()): SsoPolicy | null {
  const { BATCHDECK_OIDC_ISSUER: issuer, BATCHDECK_OIDC_CLIENT_ID: clientId } = config;
  const clientSecret = config.BATCHDECK_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    organization: null,
    issuer,
    clientId,
    clientSecret,
    allowedDomains: [],
    defaultRole: "submitter",
    createMembers: false,
  };
}

/**
 * An organization's provider when it is turned on, by the organization's slug or id; null when
 * there is none. A secret that no longer opens (the key rotated away) is logged and refused.
 */
export async function organizationProvider(
  db: DbOrTx,
  where: { slug: string } | { id: string },
): Promise<SsoPolicy | null> {
  const org = await db.organization.findUnique({
    where,
    select: { id: true, name: true, slug: true, ssoProvider: true },
  });
  const row = org?.ssoProvider;
  if (!org || !row || !row.enabled) return null;
  let clientSecret: string;
  try {
    clientSecret = openSsoClientSecret(row);
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    logger().warn("single sign-on client secret cannot be decrypted", {
      organizationId: org.id,
      reason: error.message,
    });
    throw new SsoSignInError("providerUnavailable");
  }
  return {
    organization: { id: org.id, name: org.name, slug: org.slug },
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret,
    allowedDomains: readDomainColumn(row.allowedDomains),
    defaultRole: isRole(row.defaultRole) ? row.defaultRole : "submitter",
    createMembers: row.createMembers,
  };
}

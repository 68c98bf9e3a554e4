// Settings → Single sign-on, save. Before anything is written the issuer must be one this
// install may use (issuer-url.ts) and its discovery document must be readable now, so a typo
// is told in the form rather than at the next sign-in. The client secret is sealed bound to the
// organization and never returned; an empty one keeps the stored secret. Requiring single
// sign-on needs the provider turned on and a break-glass admin who is an admin now (a
// password-only way in for when the provider is down). Audited in the same transaction, without
// the secret.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { getSsoSettings } from "./get-sso-settings";
import { issuerProblem } from "./issuer-url";
import { describeOidcError, discoverServer } from "./oidc";
import type { SaveSsoProviderInput, SsoSettings } from "./schemas";
import { sealSsoClientSecret } from "./seal";

const fieldError = (field: string, message: string) => invalid(message, { [field]: [message] });

export async function saveSsoProvider(
  ctx: OrgContext,
  input: SaveSsoProviderInput,
  opts: { hosted: boolean },
): Promise<SsoSettings> {
  const problem = issuerProblem(input.issuer, opts.hosted);
  if (problem) throw fieldError("issuer", problem);
  if (input.requireSso && !input.enabled) {
    throw fieldError("requireSso", "Turn single sign-on on before requiring it.");
  }
  if (input.requireSso && !input.breakGlassUserId) {
    throw fieldError("breakGlassUserId", "Choose a break-glass admin, who may still sign in with a password.");
  }
  try {
    const metadata = await discoverServer(input.issuer, { hosted: opts.hosted, fresh: true });
    if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
      throw new Error("its discovery document names no authorization or token endpoint");
    }
  } catch (error) {
    throw fieldError(
      "issuer",
      `Could not read this provider's discovery document (${wellKnown(input.issuer)}): ${describeOidcError(error)}.`,
    );
  }

  const { organizationId } = ctx;
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const stored = await tx.ssoProvider.findUnique({
      where: { organizationId },
      select: { clientSecretSealed: true },
    });
    if (!stored && !input.clientSecret) throw fieldError("clientSecret", "Enter the client secret.");
    if (input.breakGlassUserId) {
      const admin = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId, userId: input.breakGlassUserId } },
        select: { role: true },
      });
      if (admin?.role !== "admin") {
        throw fieldError("breakGlassUserId", "The break-glass admin must be an admin of this organization.");
      }
    }
    const clientSecretSealed = input.clientSecret
      ? sealSsoClientSecret(organizationId, input.clientSecret)
      : (stored?.clientSecretSealed ?? "");
    const data = {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretSealed,
      allowedDomains: JSON.stringify(input.allowedDomains),
      defaultRole: input.defaultRole,
      createMembers: input.createMembers,
      requireSso: input.requireSso,
      breakGlassUserId: input.breakGlassUserId,
      enabled: input.enabled,
    };
    await tx.ssoProvider.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
    const { clientSecretSealed: _sealed, allowedDomains: _domains, ...shown } = data;
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: stored ? "sso.update" : "sso.create",
      targetType: "organization",
      targetId: organizationId,
      details: {
        ...shown,
        allowedDomains: input.allowedDomains,
        clientSecret: input.clientSecret ? (stored ? "replaced" : "set") : "kept",
      },
    });
  });
  return getSsoSettings(ctx);
}

function wellKnown(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

import type { OrgContext } from "@/lib/auth/context";
import { isRole } from "@/lib/auth/permissions";
import { readDomainColumn } from "./domains";
import type { SsoSettings } from "./schemas";

/** Settings → Single sign-on: the provider as the form shows it (no secret) and the admins. */
export async function getSsoSettings(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<SsoSettings> {
  const [row, admins] = await Promise.all([
    ctx.db.ssoProvider.findUnique({
      where: { organizationId: ctx.organizationId },
      select: {
        issuer: true,
        clientId: true,
        allowedDomains: true,
        defaultRole: true,
        createMembers: true,
        requireSso: true,
        breakGlassUserId: true,
        enabled: true,
        updatedAt: true,
      },
    }),
    ctx.db.membership.findMany({
      where: { organizationId: ctx.organizationId, role: "admin" },
      select: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  return {
    provider: row
      ? {
          ...row,
          clientSecretSet: true,
          allowedDomains: readDomainColumn(row.allowedDomains),
          defaultRole: isRole(row.defaultRole) ? row.defaultRole : "submitter",
        }
      : null,
    admins: admins.map((m) => m.user),
  };
}

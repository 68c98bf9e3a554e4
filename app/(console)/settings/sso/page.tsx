import type { Metadata } from "next";
import { headers } from "next/headers";
import { SsoForm } from "@/components/settings/sso-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { env } from "@/lib/env";
import { getSsoSettings } from "@/lib/sso/get-sso-settings";
import { ssoRedirectUri } from "@/lib/sso/redirect-uri";

export const metadata: Metadata = { title: "Single sign-on" };

export default async function SsoSettingsPage() {
  const ctx = await pageContext();
  if (!can(ctx.role, "sso.manage")) {
    return (
      <Card title="Single sign-on">
        <Alert tone="info">Only admins can see and change this organization's single sign-on.</Alert>
      </Card>
    );
  }
  const [settings, org] = await Promise.all([
    getSsoSettings(ctx),
    ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { slug: true } }),
  ]);
  return (
    <Card title="Single sign-on">
      <p className="mb-4 text-sm text-slate-600">
        Members sign in through your OpenID Connect identity provider (Okta, Microsoft Entra ID, Google, Keycloak…): on
        the sign-in page, under "Sign in with SSO", with this organization's short name{" "}
        <code className="rounded bg-slate-100 px-1" data-testid="sso-org-slug">
          {org.slug}
        </code>
        . Register Batchdeck at the provider as a web application using the authorization code flow, with this redirect
        URI:
      </p>
      <p className="mb-4">
        <code className="block break-all rounded bg-slate-100 px-2 py-1 text-sm" data-testid="sso-redirect-uri">
          {ssoRedirectUri(await headers())}
        </code>
      </p>
      <SsoForm settings={settings} hosted={env().BATCHDECK_HOSTED} currentUserId={ctx.user.id} />
    </Card>
  );
}

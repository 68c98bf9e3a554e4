import type { Metadata } from "next";
import { CreateAccessKeyForm } from "@/components/settings/access-keys-create-form";
import { AccessKeysTable } from "@/components/settings/access-keys-table";
import { Card } from "@/components/ui/card";
import { listAccessKeys } from "@/lib/access-keys/list-access-keys";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";

export const metadata: Metadata = { title: "Access keys" };

export default async function AccessKeysPage() {
  const ctx = await pageContext();
  const isAdmin = can(ctx.role, "accessKeys.revokeAny");
  const [own, all] = await Promise.all([
    listAccessKeys(ctx, { scope: "own" }),
    isAdmin ? listAccessKeys(ctx, { scope: "all" }) : Promise.resolve([]),
  ]);
  const others = all.filter((k) => k.userId !== ctx.user.id);
  return (
    <div className="space-y-6">
      <Card title="Create an access key">
        <p className="mb-3 text-sm text-slate-600">
          Access keys sign requests from the AWS CLI and SDKs to this organization's AWS-compatible API, with your role.
        </p>
        <CreateAccessKeyForm />
      </Card>
      <Card title={`Your access keys (${own.length})`}>
        <AccessKeysTable keys={own} showOwner={false} label="Your access keys" />
      </Card>
      {isAdmin ? (
        <Card title={`Members' access keys (${others.length})`}>
          <AccessKeysTable keys={others} showOwner label="Members' access keys" />
        </Card>
      ) : null}
    </div>
  );
}

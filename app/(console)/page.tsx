import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { readHealth } from "@/lib/health";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const ctx = await pageContext();
  const [org, members, health] = await Promise.all([
    ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { name: true, backend: true } }),
    ctx.db.membership.count({ where: { organizationId: ctx.organizationId } }),
    readHealth(ctx.db),
  ]);
  return (
    <>
      <PageHeader title={org.name} description={`You are signed in as ${ROLE_LABELS[ctx.role].toLowerCase()}.`} />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Backend">
          <p className="text-sm">{org.backend === "aws" ? "AWS Batch" : "Built-in engine"}</p>
        </Card>
        <Card title="Engine">
          <p className="text-sm">
            {health.engine.status === "none"
              ? "No engine has run against this database yet."
              : `${health.engine.status === "ok" ? "Running" : "Not responding"}; last heartbeat ${health.engine.ageSeconds}s ago.`}
          </p>
        </Card>
        <Card title="Members">
          <p className="text-sm">
            {members} {members === 1 ? "member" : "members"}
            {can(ctx.role, "members.manage") ? (
              <>
                {" · "}
                <Link className="font-medium text-indigo-700 hover:underline" href="/settings/members">
                  Manage
                </Link>
              </>
            ) : null}
          </p>
        </Card>
      </div>
    </>
  );
}

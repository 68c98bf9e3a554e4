import type { Metadata } from "next";
import Link from "next/link";
import { GettingStarted } from "@/components/overview/getting-started";
import { LiveWork } from "@/components/overview/live-work";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import type { OrgContext } from "@/lib/auth/context";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { type OverviewData, readOverview } from "@/lib/console/overview";
import { AppError } from "@/lib/errors";
import { readHealth } from "@/lib/health";

export const metadata: Metadata = { title: "Overview" };

/** The organization's work, or why the backend could not say (the rest of the page still shows). */
async function overviewOrProblem(ctx: OrgContext): Promise<OverviewData | AppError> {
  try {
    return await readOverview(await backendFor(ctx), ctx);
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === "BACKEND_UNAVAILABLE" || error.code === "FORBIDDEN" || error.code === "RATE_LIMITED")
    ) {
      return error;
    }
    throw error;
  }
}

export default async function OverviewPage() {
  const ctx = await pageContext();
  const [org, members, health, work] = await Promise.all([
    ctx.db.organization.findUniqueOrThrow({ where: { id: ctx.organizationId }, select: { name: true, backend: true } }),
    ctx.db.membership.count({ where: { organizationId: ctx.organizationId } }),
    readHealth(ctx.db),
    overviewOrProblem(ctx),
  ]);
  const started = !(work instanceof AppError) && work.steps.every((s) => s.done);
  const anything = !(work instanceof AppError) && (work.jobQueues.length > 0 || work.computeEnvironments.length > 0);
  return (
    <>
      <PageHeader title={org.name} description={`You are signed in as ${ROLE_LABELS[ctx.role].toLowerCase()}.`} />
      <div className="space-y-4">
        {work instanceof AppError ? (
          <Alert>
            The batch backend could not say what this organization runs: {work.message}
            {can(ctx.role, "backend.manage") ? (
              <>
                {" "}
                Check it under{" "}
                <Link href="/settings/backend" className="font-medium underline">
                  Settings → Backend
                </Link>
                .
              </>
            ) : null}
          </Alert>
        ) : (
          <>
            {started ? null : <GettingStarted steps={work.steps} role={ctx.role} />}
            {anything ? (
              <LiveWork
                orgId={ctx.organizationId}
                initialQueues={work.jobQueues}
                initialEnvironments={work.computeEnvironments}
              />
            ) : null}
          </>
        )}
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
      </div>
    </>
  );
}

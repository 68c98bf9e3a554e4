import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/resources/badges";
import { ComputeEnvironmentUsageCard } from "@/components/resources/compute-environment-usage-card";
import { ComputeEnvironmentActions } from "@/components/resources/compute-environments-table";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { describeExecutor } from "@/lib/console/executor-label";
import { jobListHref, jobQueueHref } from "@/lib/console/links";
import { allJobQueues } from "@/lib/console/load-resources";
import { readEngineExecutors } from "@/lib/jobs/engine-executors";

export const metadata: Metadata = { title: "Compute environment" };

/** The scalar settings of an environment's computeResources, in the order people read them. */
const RESOURCE_FIELDS: [key: string, label: string][] = [
  ["type", "Provisioning"],
  ["minvCpus", "Minimum vCPUs"],
  ["desiredvCpus", "Desired vCPUs"],
  ["maxvCpus", "Maximum vCPUs"],
  ["instanceTypes", "Instance types"],
  ["allocationStrategy", "Allocation strategy"],
  ["subnets", "Subnets"],
  ["securityGroupIds", "Security groups"],
];

const show = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v));

/**
 * One compute environment: what it is, what it is handing out now (live), the queues that send
 * jobs to it (each a link, with its jobs running now), and the admin's actions. Job pages, queue
 * pages and the "why isn't this job running" panel link here.
 */
export default backendPage(async function ComputeEnvironmentPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [ce] = (await backend.describeComputeEnvironments(ctx, { computeEnvironments: [name] })).computeEnvironments;
  if (!ce) notFound();
  const [queues, usage, executors] = await Promise.all([
    allJobQueues(backend, ctx),
    backend.computeEnvironmentUsage(ctx),
    backend.kind === "aws" ? undefined : readEngineExecutors(ctx.db),
  ]);
  const arn = String(ce.computeEnvironmentArn);
  const usedBy = queues
    .filter((q) =>
      ((q.computeEnvironmentOrder ?? []) as { computeEnvironment: string }[]).some((o) => o.computeEnvironment === arn),
    )
    .map((q) => String(q.jobQueueName));
  const resources = (ce.computeResources ?? {}) as Record<string, unknown>;
  const settings = RESOURCE_FIELDS.filter(
    ([key]) => resources[key] !== undefined && !(Array.isArray(resources[key]) && resources[key].length === 0),
  );
  const tags = Object.entries((ce.tags ?? {}) as Record<string, string>);
  const state = String(ce.state);
  return (
    <>
      <PageHeader
        title={name}
        description={arn}
        actions={
          can(ctx.role, "computeEnvironments.manage") ? (
            <ComputeEnvironmentActions name={name} state={state} queues={usedBy} thenGoTo="/compute-environments" />
          ) : null
        }
      />
      <div className="mb-4 text-sm">
        <Link href="/compute-environments" className="text-indigo-700 hover:underline">
          ← All compute environments
        </Link>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-slate-500">Type</dt>
            <dd>{String(ce.type)}</dd>
            <dt className="text-slate-500">State</dt>
            <dd>
              <Badge value={state} />
            </dd>
            <dt className="text-slate-500">Status</dt>
            <dd>
              <Badge value={String(ce.status)} />{" "}
              {typeof ce.statusReason === "string" ? <span className="text-slate-600">{ce.statusReason}</span> : null}
            </dd>
            {backend.kind === "aws" ? null : (
              <>
                <dt className="text-slate-500">Runs jobs as</dt>
                <dd>{describeExecutor(ce.tags, executors ?? null)}</dd>
              </>
            )}
            {settings.map(([key, label]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd className="tabular-nums">{show(resources[key])}</dd>
              </div>
            ))}
            <dt className="text-slate-500">Tags</dt>
            <dd>{tags.length === 0 ? "None" : tags.map(([k, v]) => `${k}=${v}`).join(", ")}</dd>
          </dl>
        </Card>
        <Card title="In use now">
          <ComputeEnvironmentUsageCard orgId={ctx.organizationId} name={name} initial={usage.computeEnvironments} />
        </Card>
      </div>
      <Card title={`Job queues using it (${usedBy.length})`} className="mt-4">
        {usedBy.length === 0 ? (
          <p className="text-sm text-slate-600">
            No job queue sends jobs here yet: add it to a queue's compute environment order so jobs can run on it.
          </p>
        ) : (
          <ul className="space-y-1 text-sm">
            {usedBy.map((q) => (
              <li key={q} className="flex flex-wrap gap-x-3">
                <Link href={jobQueueHref(q)} className="font-medium text-indigo-700 hover:underline">
                  {q}
                </Link>
                <Link href={jobListHref({ queue: q })} className="text-indigo-700 hover:underline">
                  Jobs of {q}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
});

import type { Metadata } from "next";
import Link from "next/link";
import { ComputeEnvironmentsTable } from "@/components/resources/compute-environments-table";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { describeExecutor } from "@/lib/console/executor-label";
import { allComputeEnvironments, allJobQueues } from "@/lib/console/load-resources";
import { readEngineExecutors, readEngineHost } from "@/lib/jobs/engine-executors";

export const metadata: Metadata = { title: "Compute environments" };

export default backendPage(async function ComputeEnvironmentsPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [environments, queues, usage] = await Promise.all([
    allComputeEnvironments(backend, ctx),
    allJobQueues(backend, ctx),
    backend.computeEnvironmentUsage(ctx),
  ]);
  const canManage = can(ctx.role, "computeEnvironments.manage");
  // The built-in engine says which executors it has; each environment's tag (or the default) picks one.
  const executors = backend.kind === "aws" ? undefined : await readEngineExecutors(ctx.db);
  // What every environment of every organization shares: the engine's machine.
  const machine = backend.kind === "aws" ? null : await readEngineHost(ctx.db);
  const rows = environments.map((ce) => ({
    name: String(ce.computeEnvironmentName),
    arn: String(ce.computeEnvironmentArn),
    type: String(ce.type),
    state: String(ce.state),
    status: String(ce.status),
    statusReason: typeof ce.statusReason === "string" ? ce.statusReason : undefined,
    queues: queues
      .filter((q) =>
        // A SageMaker Training queue (AWS) has service environments instead.
        ((q.computeEnvironmentOrder ?? []) as { computeEnvironment: string }[]).some(
          (o) => o.computeEnvironment === ce.computeEnvironmentArn,
        ),
      )
      .map((q) => String(q.jobQueueName)),
    executor: backend.kind === "aws" ? undefined : describeExecutor(ce.tags, executors ?? null),
  }));
  return (
    <>
      <PageHeader
        title="Compute environments"
        description={
          backend.kind === "aws"
            ? "The AWS Batch compute environments of this organization's account: the vCPUs AWS is scaling each to (desired) of its maximum. AWS does not report memory or jobs per environment. Refreshes every few seconds."
            : "Slices of this host that jobs are placed on: how many vCPUs, how much memory and which GPUs each may hand out. Capacity in use refreshes every few seconds."
        }
        actions={
          canManage ? (
            <Link
              href="/compute-environments/new"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Create compute environment
            </Link>
          ) : null
        }
      />
      {machine ? (
        <p className="mb-4 text-sm text-gray-600" data-testid="engine-machine">
          The engine's machine: {machine.cores} {machine.cores === 1 ? "core" : "cores"} × overcommit{" "}
          {machine.overcommit} = {machine.vcpus.toLocaleString("en-US")} vCPUs and{" "}
          {machine.memoryMiB.toLocaleString("en-US")} MiB, shared by every environment. Jobs never hold more than that
          together, whatever the environments promise; the operator sets the overcommit (BATCHDECK_VCPU_OVERCOMMIT).
        </p>
      ) : null}
      <Card title={`Compute environments (${rows.length})`}>
        <ComputeEnvironmentsTable
          orgId={ctx.organizationId}
          rows={rows}
          initialUsage={usage.computeEnvironments}
          canManage={canManage}
        />
      </Card>
    </>
  );
});

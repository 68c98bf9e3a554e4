"use client";

import { useQuery } from "@tanstack/react-query";
import { resourceQueries } from "@/components/lib/queries";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import { UsageBar } from "./usage-bar";

/**
 * One environment's capacity in use, polled like the list's columns (the same query, so the
 * list and the environment's page share what they read).
 */
export function ComputeEnvironmentUsageCard({
  orgId,
  name,
  initial,
}: {
  orgId: string;
  name: string;
  initial: ComputeEnvironmentUsage[];
}) {
  const usage = useQuery({
    ...resourceQueries.computeEnvironmentUsage(orgId),
    initialData: { computeEnvironments: initial },
  });
  const u = usage.data.computeEnvironments.find((e) => e.computeEnvironmentName === name);
  const unknown = <span className="text-slate-500">not reported by this backend</span>;
  return (
    <>
      {usage.isError ? (
        <p role="alert" className="mb-2 text-xs text-red-700">
          Could not read capacity in use: {usage.error.message} Showing the last figures read.
        </p>
      ) : null}
      <dl
        className="grid grid-cols-[max-content_1fr] items-center gap-x-4 gap-y-3 text-sm"
        data-testid="environment-usage"
      >
        <dt className="text-slate-500">{u?.basis === "desired" ? "vCPUs desired by AWS" : "vCPUs in use"}</dt>
        <dd>
          {u && u.vcpus !== null && u.maxVcpus !== null ? (
            <UsageBar
              label={u.basis === "desired" ? "vCPUs desired by AWS" : "vCPUs"}
              used={u.vcpus}
              max={u.maxVcpus}
            />
          ) : (
            unknown
          )}
        </dd>
        <dt className="text-slate-500">Memory in use</dt>
        <dd>
          {u && u.memoryMiB !== null && u.maxMemoryMiB !== null ? (
            <UsageBar label="Memory" used={u.memoryMiB} max={u.maxMemoryMiB} unit="MiB" />
          ) : (
            unknown
          )}
        </dd>
        <dt className="text-slate-500">GPUs in use</dt>
        <dd>{u?.gpuIds.length ? `${u.gpus} of ${u.gpuIds.length} (ids ${u.gpuIds.join(", ")})` : "none"}</dd>
        <dt className="text-slate-500">Jobs on it</dt>
        <dd className="tabular-nums" data-testid="environment-jobs">
          {u?.jobs === null ? unknown : (u?.jobs ?? 0)}
        </dd>
      </dl>
    </>
  );
}

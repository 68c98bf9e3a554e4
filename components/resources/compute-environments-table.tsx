"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  deleteComputeEnvironmentAction,
  updateComputeEnvironmentAction,
} from "@/app/(console)/compute-environments/actions";
import { resourceQueries } from "@/components/lib/queries";
import { Table } from "@/components/ui/table";
import { computeEnvironmentHref } from "@/lib/console/links";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import { StateAndDeleteButtons } from "./action-button";
import { Badge } from "./badges";
import { UsageBar } from "./usage-bar";

export interface ComputeEnvironmentRow {
  name: string;
  arn: string;
  type: string;
  state: string;
  status: string;
  statusReason?: string;
  /** Queues that list this environment: AWS refuses to delete it while any do. */
  queues: string[];
  /**
   * The built-in engine: how its jobs run ("container", "process", "container (engine default)"),
   * or why they cannot ("none: …"). Absent on AWS.
   */
  executor?: string;
}

/** A figure this backend does not report (AWS does not say what memory or how many jobs are on an environment). */
function Unknown() {
  return (
    <span className="text-slate-500" title="Not reported by this backend">
      —<span className="sr-only">not reported by this backend</span>
    </span>
  );
}

export function ComputeEnvironmentsTable({
  orgId,
  rows,
  initialUsage,
  canManage,
}: {
  orgId: string;
  rows: ComputeEnvironmentRow[];
  initialUsage: ComputeEnvironmentUsage[];
  canManage: boolean;
}) {
  const usage = useQuery({
    ...resourceQueries.computeEnvironmentUsage(orgId),
    initialData: { computeEnvironments: initialUsage },
  });
  const byName = new Map(usage.data.computeEnvironments.map((u) => [u.computeEnvironmentName, u]));
  const showExecutor = rows.some((r) => r.executor !== undefined);
  return (
    <>
      {usage.isError ? (
        <p role="alert" className="mb-2 text-xs text-red-700">
          Could not read capacity in use: {usage.error.message} Showing the last figures read.
        </p>
      ) : null}
      <Table
        label="Compute environments"
        columns={[
          { header: "Name" },
          { header: "Type" },
          { header: "State" },
          { header: "Status" },
          showExecutor && { header: "Runs jobs as" },
          { header: "vCPUs in use" },
          { header: "Memory in use" },
          { header: "GPUs" },
          { header: "Jobs on it" },
          canManage && { header: "Actions", hidden: true },
        ]}
        rows={rows}
        rowKey={(ce) => ce.arn}
        rowClassName="align-top"
        empty={`No compute environments yet. ${
          canManage
            ? "Create one, then attach it to a job queue so jobs have somewhere to run."
            : "An admin creates them; jobs need one behind their queue to run."
        }`}
        renderRow={(ce) => {
          const u = byName.get(ce.name);
          return (
            <>
              <td className="py-2 pr-4 font-medium">
                <Link href={computeEnvironmentHref(ce.name)} className="text-indigo-700 hover:underline">
                  {ce.name}
                </Link>
              </td>
              <td className="py-2 pr-4">{ce.type}</td>
              <td className="py-2 pr-4">
                <Badge value={ce.state} />
              </td>
              <td className="py-2 pr-4">
                <Badge value={ce.status} />
                {ce.statusReason ? <div className="mt-1 max-w-xs text-xs text-slate-600">{ce.statusReason}</div> : null}
              </td>
              {showExecutor ? (
                <td className="max-w-xs py-2 pr-4 text-xs text-slate-700">{ce.executor ?? "—"}</td>
              ) : null}
              <td className="py-2 pr-4">
                {u && u.vcpus !== null && u.maxVcpus !== null ? (
                  <>
                    <UsageBar
                      label={u.basis === "desired" ? "vCPUs desired by AWS" : "vCPUs"}
                      used={u.vcpus}
                      max={u.maxVcpus}
                    />
                    {u.basis === "desired" ? (
                      <div className="mt-1 text-xs text-slate-500">desired by AWS, of max</div>
                    ) : null}
                  </>
                ) : (
                  <Unknown />
                )}
              </td>
              <td className="py-2 pr-4">
                {u && u.memoryMiB !== null && u.maxMemoryMiB !== null ? (
                  <UsageBar label="Memory" used={u.memoryMiB} max={u.maxMemoryMiB} unit="MiB" />
                ) : (
                  <Unknown />
                )}
              </td>
              <td className="py-2 pr-4">
                {u?.gpuIds.length ? (
                  <span title={`GPU ids ${u.gpuIds.join(", ")}`}>
                    {u.gpus} / {u.gpuIds.length}
                  </span>
                ) : (
                  <span className="text-slate-500">none</span>
                )}
              </td>
              <td className="py-2 pr-4 tabular-nums">{u?.jobs === null ? <Unknown /> : (u?.jobs ?? 0)}</td>
              {canManage ? (
                <td className="py-2 text-right">
                  <ComputeEnvironmentActions name={ce.name} state={ce.state} queues={ce.queues} />
                </td>
              ) : null}
            </>
          );
        }}
      />
    </>
  );
}

/**
 * Edit, enable or disable, and delete one environment: its row in the list and its own page
 * (where a delete goes back to the list, `thenGoTo`).
 */
export function ComputeEnvironmentActions({
  name,
  state,
  queues,
  thenGoTo,
}: {
  name: string;
  state: string;
  queues: string[];
  thenGoTo?: string;
}) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Link
        href={`/compute-environments/${encodeURIComponent(name)}/edit`}
        className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50"
        aria-label={`Edit ${name}`}
      >
        Edit
      </Link>
      <StateAndDeleteButtons
        name={name}
        state={state}
        setState={{
          action: updateComputeEnvironmentAction,
          input: (next) => ({ computeEnvironment: name, state: next }),
        }}
        remove={{
          action: deleteComputeEnvironmentAction,
          input: { computeEnvironment: name },
          confirm: queues.length
            ? `Delete ${name}? It is used by job queue(s) ${queues.join(", ")}, so AWS's rules will refuse until it is removed from them.`
            : `Delete compute environment ${name}? This cannot be undone.`,
        }}
        thenGoTo={thenGoTo}
      />
    </div>
  );
}

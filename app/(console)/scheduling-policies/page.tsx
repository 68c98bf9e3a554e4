import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/resources/action-button";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { allJobQueues, allSchedulingPolicies } from "@/lib/console/load-resources";
import { deleteSchedulingPolicyAction } from "./actions";

export const metadata: Metadata = { title: "Scheduling policies" };

interface Fairshare {
  shareDecaySeconds?: number;
  computeReservation?: number;
  shareDistribution?: { shareIdentifier: string; weightFactor?: number }[];
}

export default backendPage(async function SchedulingPoliciesPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const [policies, queues] = await Promise.all([allSchedulingPolicies(backend, ctx), allJobQueues(backend, ctx)]);
  const canManage = can(ctx.role, "schedulingPolicies.manage");
  const usedBy = (arn: string) =>
    queues.filter((q) => q.schedulingPolicyArn === arn).map((q) => String(q.jobQueueName));
  return (
    <>
      <PageHeader
        title="Scheduling policies"
        description="Fair-share policies decide which share's jobs a queue runs next, so one team's backlog cannot hold up everyone else's."
        actions={
          canManage ? (
            <Link
              href="/scheduling-policies/new"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Create scheduling policy
            </Link>
          ) : null
        }
      />
      <Card title={`Scheduling policies (${policies.length})`}>
        <Table
          label="Scheduling policies"
          columns={[
            { header: "Name" },
            { header: "Share decay" },
            { header: "Reservation" },
            { header: "Shares (weight)" },
            { header: "Used by" },
            canManage && { header: "Actions", hidden: true },
          ]}
          rows={policies}
          rowKey={(p) => p.arn}
          rowClassName="align-top"
          empty={`No scheduling policies. Queues without one run jobs first in, first out.${
            canManage ? " Create one to share a queue fairly between teams or users." : ""
          }`}
          renderRow={(p) => {
            const fs = p.fairsharePolicy as Fairshare;
            const queuesUsing = usedBy(p.arn);
            return (
              <>
                <td className="py-2 pr-4 font-medium text-slate-900">{p.name}</td>
                <td className="py-2 pr-4 tabular-nums">{fs.shareDecaySeconds ?? 0}s</td>
                <td className="py-2 pr-4 tabular-nums">{fs.computeReservation ?? 0}%</td>
                <td className="py-2 pr-4">
                  {fs.shareDistribution?.length ? (
                    <ul>
                      {fs.shareDistribution.map((s) => (
                        <li key={s.shareIdentifier}>
                          <code className="text-xs">{s.shareIdentifier}</code> ({s.weightFactor ?? 1})
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-slate-500">all weigh 1</span>
                  )}
                </td>
                <td className="py-2 pr-4">
                  {queuesUsing.length ? queuesUsing.join(", ") : <span className="text-slate-500">no queue</span>}
                </td>
                {canManage ? (
                  <td className="py-2 text-right">
                    <div className="flex flex-wrap justify-end gap-2">
                      <Link
                        href={`/scheduling-policies/${encodeURIComponent(p.name)}/edit`}
                        className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50"
                        aria-label={`Edit ${p.name}`}
                      >
                        Edit
                      </Link>
                      <ActionButton
                        action={deleteSchedulingPolicyAction}
                        input={{ arn: p.arn }}
                        label="Delete"
                        pendingLabel="Deleting…"
                        variant="danger"
                        ariaLabel={`Delete ${p.name}`}
                        confirm={`Delete scheduling policy ${p.name}?`}
                      />
                    </div>
                  </td>
                ) : null}
              </>
            );
          }}
        />
      </Card>
    </>
  );
});

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { isOperator } from "@/lib/auth/operator";
import { pageContext } from "@/lib/auth/request";
import { listOrganizationsForOperator } from "@/lib/operator/organizations";
import { formatQuota, formatUsage } from "@/lib/quotas/format";

export const metadata: Metadata = { title: "Operator" };

export default async function OperatorPage() {
  const ctx = await pageContext();
  // Someone who is not the operator learns nothing, not even that the page exists.
  if (!(await isOperator(ctx.db, ctx.user.id))) notFound();
  const organizations = await listOrganizationsForOperator(ctx);
  return (
    <>
      <PageHeader
        title="Operator"
        description="Every organization on this install, its quotas and what it uses of them now. Quotas in bold are the organization's own; the rest are the install's defaults (BATCHDECK_QUOTA_*)."
        actions={
          <Link href="/operator/usage" className="text-sm font-medium text-indigo-700 hover:underline">
            Usage across organizations
          </Link>
        }
      />
      <Card title="Organizations">
        <Table
          label="Organizations"
          columns={[
            { header: "Organization" },
            { header: "Backend" },
            { header: "Members", align: "right" },
            { header: "Running vCPUs" },
            { header: "Jobs waiting" },
            { header: "Array size" },
            { header: "SubmitJob rate" },
            { header: "Log bytes" },
          ]}
          rows={organizations}
          rowKey={(o) => o.id}
          renderRow={(o) => {
            const cell = (name: keyof typeof o.quotas, text: string) => (
              <td className={o.overridden.includes(name) ? "px-3 py-2 font-semibold" : "px-3 py-2"}>{text}</td>
            );
            return (
              <>
                <td className="px-3 py-2">
                  <Link href={`/operator/${o.id}`} className="font-medium text-indigo-700 hover:underline">
                    {o.name}
                  </Link>
                  <div className="text-xs text-slate-500">{o.slug}</div>
                </td>
                <td className="px-3 py-2">{o.backend === "aws" ? "AWS Batch" : "Built-in"}</td>
                <td className="px-3 py-2 text-right tabular-nums">{o.members}</td>
                {cell(
                  "maxRunningVcpus",
                  formatUsage("maxRunningVcpus", o.usage.runningVcpus, o.quotas.maxRunningVcpus),
                )}
                {cell("maxWaitingJobs", formatUsage("maxWaitingJobs", o.usage.waitingJobs, o.quotas.maxWaitingJobs))}
                {cell("maxArraySize", formatQuota("maxArraySize", o.quotas.maxArraySize))}
                {cell("submitRatePerSecond", formatQuota("submitRatePerSecond", o.quotas.submitRatePerSecond))}
                {cell("maxLogBytes", formatQuota("maxLogBytes", o.quotas.maxLogBytes))}
              </>
            );
          }}
          empty="No organizations yet."
        />
      </Card>
    </>
  );
}

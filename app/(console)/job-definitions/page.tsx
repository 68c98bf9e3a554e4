import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/resources/badges";
import { Alert } from "@/components/ui/alert";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { summarizeDefinition } from "@/lib/console/job-definition-summary";
import { allJobDefinitions } from "@/lib/console/load-resources";

export const metadata: Metadata = { title: "Job definitions" };

interface Summary {
  name: string;
  revisions: number;
  latest: Record<string, unknown> | null;
  latestRevision: number;
}

export default backendPage(async function JobDefinitionsPage() {
  const ctx = await pageContext();
  const backend = await backendFor(ctx);
  const { items, truncated } = await allJobDefinitions(backend, ctx);
  const byName = new Map<string, Summary>();
  for (const d of items) {
    const name = String(d.jobDefinitionName);
    const s = byName.get(name) ?? { name, revisions: 0, latest: null, latestRevision: 0 };
    s.revisions++;
    s.latestRevision = Math.max(s.latestRevision, Number(d.revision));
    // Revisions come in ascending order, so the last ACTIVE one seen is the latest.
    if (d.status === "ACTIVE") s.latest = d;
    byName.set(name, s);
  }
  const rows = [...byName.values()];
  const canManage = can(ctx.role, "jobDefinitions.manage");
  return (
    <>
      <PageHeader
        title="Job definitions"
        description="What a job runs: its command, resources, parameters, retries and timeout. Each registration adds a revision; jobs submitted by name use the latest ACTIVE one."
        actions={
          canManage ? (
            <Link
              href="/job-definitions/new"
              className="inline-flex items-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
            >
              Register job definition
            </Link>
          ) : null
        }
      />
      {truncated ? (
        <div className="mb-4">
          <Alert tone="info">Showing the first {items.length} revisions; later names are not listed.</Alert>
        </div>
      ) : null}
      <Card title={`Job definitions (${rows.length})`}>
        <Table
          label="Job definitions"
          columns={[
            { header: "Name" },
            { header: "Latest active" },
            { header: "Image" },
            { header: "vCPUs" },
            { header: "Memory (MiB)" },
            { header: "Revisions" },
          ]}
          rows={rows}
          rowKey={(s) => s.name}
          empty={`No job definitions yet. ${
            canManage ? "Register one to describe what your jobs run." : "A developer or admin registers them."
          }`}
          renderRow={(s) => (
            <>
              <td className="py-2 pr-4">
                <Link
                  href={`/job-definitions/${encodeURIComponent(s.name)}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {s.name}
                </Link>
              </td>
              <td className="py-2 pr-4">
                {s.latest ? `${s.name}:${s.latest.revision}` : <Badge value="INACTIVE" title="No ACTIVE revision" />}
              </td>
              <td className="py-2 pr-4 font-mono text-xs">{summarizeDefinition(s.latest).image ?? "—"}</td>
              <td className="py-2 pr-4 tabular-nums">{summarizeDefinition(s.latest).vcpus ?? "—"}</td>
              <td className="py-2 pr-4 tabular-nums">{summarizeDefinition(s.latest).memoryMiB ?? "—"}</td>
              <td className="py-2 pr-4 tabular-nums">{s.revisions}</td>
            </>
          )}
        />
      </Card>
    </>
  );
});

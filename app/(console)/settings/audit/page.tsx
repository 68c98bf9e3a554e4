import type { Metadata } from "next";
import Link from "next/link";
import { formatAbsolute } from "@/components/lib/format-time";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { listAuditEvents, listAuditInput } from "@/lib/audit-log/list-audit-events";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const ctx = await pageContext();
  if (!can(ctx.role, "audit.view")) return <Alert>Only admins can read the audit log.</Alert>;
  const parsed = listAuditInput.safeParse(await searchParams);
  const { events, nextCursor } = await listAuditEvents(ctx, parsed.success ? parsed.data : { limit: 50 });
  return (
    <Card title="Audit log">
      <Table
        label="Audit log"
        columns={[
          { header: "When (UTC)" },
          { header: "Who" },
          { header: "From" },
          { header: "Action" },
          { header: "Target" },
          { header: "Details" },
        ]}
        rows={events}
        rowKey={(e) => e.id}
        rowClassName="align-top"
        ruledHeader
        empty="Nothing has been changed in this organization yet."
        renderRow={(e) => (
          <>
            <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatAbsolute(e.createdAt.getTime())}</td>
            <td className="py-2 pr-4">{e.actorEmail}</td>
            <td className="py-2 pr-4">{e.source}</td>
            <td className="py-2 pr-4 font-mono text-xs">{e.action}</td>
            <td className="py-2 pr-4">
              {e.targetType}: {e.targetId}
            </td>
            <td className="py-2 font-mono text-xs text-slate-600">
              {Object.keys(e.details).length ? JSON.stringify(e.details) : ""}
            </td>
          </>
        )}
      />
      {nextCursor ? (
        <div className="mt-4">
          <Link
            className="text-sm font-medium text-indigo-700 hover:underline"
            href={`/settings/audit?before=${nextCursor}`}
          >
            Older events →
          </Link>
        </div>
      ) : null}
    </Card>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
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
      {events.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing has been changed in this organization yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="pb-2 font-medium">When (UTC)</th>
                <th className="pb-2 font-medium">Who</th>
                <th className="pb-2 font-medium">From</th>
                <th className="pb-2 font-medium">Action</th>
                <th className="pb-2 font-medium">Target</th>
                <th className="pb-2 font-medium">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-4 whitespace-nowrap text-slate-600">
                    {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                  </td>
                  <td className="py-2 pr-4">{e.actorEmail}</td>
                  <td className="py-2 pr-4">{e.source}</td>
                  <td className="py-2 pr-4 font-mono text-xs">{e.action}</td>
                  <td className="py-2 pr-4">
                    {e.targetType}: {e.targetId}
                  </td>
                  <td className="py-2 font-mono text-xs text-slate-600">
                    {Object.keys(e.details).length ? JSON.stringify(e.details) : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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

// The caller's organization's usage, as the Usage page and its CSV export read it.
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { organizationBackend } from "@/lib/backends/aws/for-organization";
import type { UsageQuery } from "./usage-input";
import { type UsageReport, usageReport } from "./usage-report";

export interface OrganizationUsage {
  report: UsageReport;
  /**
   * Usage is recorded by the built-in engine only: false while the organization runs its jobs on
   * AWS Batch (the report then holds only what ran before it moved there).
   */
  recordedHere: boolean;
}

export async function organizationUsage(ctx: OrgContext, query: UsageQuery): Promise<OrganizationUsage> {
  requirePermission(ctx, "usage.view");
  const [report, { backend }] = await Promise.all([
    usageReport(ctx.db, {
      scope: { organizationId: ctx.organizationId },
      from: query.from,
      to: query.to,
      groupBy: query.group,
      byDay: true,
    }),
    organizationBackend(ctx.db, ctx.organizationId),
  ]);
  return { report, recordedHere: backend === "builtin" };
}

// The operator's usage report: every organization's attempts together, by organization or by any
// grouping an organization has (queues and definitions of the same name in two organizations
// are one group then: group by organization to tell them apart).
import { type OperatorContext, requireOperator } from "@/lib/auth/operator";
import type { OperatorUsageQuery } from "@/lib/usage/usage-input";
import { type UsageReport, usageReport } from "@/lib/usage/usage-report";

export async function operatorUsage(ctx: OperatorContext, query: OperatorUsageQuery): Promise<UsageReport> {
  await requireOperator(ctx);
  return usageReport(ctx.db, {
    scope: { allOrganizations: true },
    from: query.from,
    to: query.to,
    groupBy: query.group,
    byDay: true,
  });
}

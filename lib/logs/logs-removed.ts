// Whether a finished job's logs have been deleted by the organization's retention (its log days)
// or its log-bytes quota: both advance RetentionSetting.logsPurgedThrough, and every finished job
// stopped at or before it has no logs left (engine/retention.ts). The log viewer says so instead
// of "this attempt wrote nothing". Built-in engine only: AWS keeps its logs in CloudWatch.
import type { OrgContext } from "@/lib/auth/context";

export async function logsRemoved(
  ctx: Pick<OrgContext, "db" | "organizationId">,
  job: { stoppedAt?: number | null },
): Promise<boolean> {
  if (job.stoppedAt == null) return false;
  const setting = await ctx.db.retentionSetting.findUnique({
    where: { organizationId: ctx.organizationId },
    select: { logsPurgedThrough: true },
  });
  return setting != null && job.stoppedAt <= Number(setting.logsPurgedThrough);
}

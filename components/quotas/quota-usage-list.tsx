import type { QuotaUsageNow } from "@/lib/quotas/current-usage";
import { formatQuota, formatUsage } from "@/lib/quotas/format";
import { QUOTA_LABELS, type QuotaName, type QuotaSettings } from "@/lib/quotas/names";

/**
 * Each quota with what the organization uses of it now, where "now" means something: running
 * vCPUs and waiting jobs are levels; the array size, the SubmitJob rate and its burst are limits
 * a single request meets. Log bytes are shown when the engine has measured them.
 */
export function QuotaUsageList({
  settings,
  usage,
  backend,
  logBytes,
}: {
  settings: QuotaSettings;
  usage: QuotaUsageNow;
  backend: string;
  logBytes?: number | null;
}) {
  const q = settings.effective;
  const values: { name: QuotaName; value: string }[] = [
    {
      name: "maxRunningVcpus",
      value: formatUsage("maxRunningVcpus", usage.runningVcpus, q.maxRunningVcpus),
    },
    { name: "maxWaitingJobs", value: formatUsage("maxWaitingJobs", usage.waitingJobs, q.maxWaitingJobs) },
    { name: "maxArraySize", value: formatQuota("maxArraySize", q.maxArraySize) },
    { name: "submitRatePerSecond", value: formatQuota("submitRatePerSecond", q.submitRatePerSecond) },
    { name: "submitBurst", value: formatQuota("submitBurst", q.submitBurst) },
    {
      name: "maxLogBytes",
      value:
        logBytes == null
          ? formatQuota("maxLogBytes", q.maxLogBytes)
          : formatUsage("maxLogBytes", logBytes, q.maxLogBytes),
    },
  ];
  const rows = values.map((r) => ({ ...r, own: settings.chosen[r.name] != null }));
  return (
    <div>
      <dl className="divide-y divide-slate-100 text-sm" aria-label="Usage against quotas">
        {rows.map((r) => (
          <div key={r.name} className="flex flex-wrap justify-between gap-2 py-2">
            <dt className="text-slate-600">{QUOTA_LABELS[r.name]}</dt>
            <dd className="font-medium tabular-nums text-slate-900">
              {r.value}
              {r.own ? null : <span className="ml-2 text-xs font-normal text-slate-500">install default</span>}
            </dd>
          </div>
        ))}
      </dl>
      {backend === "aws" ? (
        <p className="mt-3 text-xs text-slate-600">
          This organization runs on AWS Batch: the array size and SubmitJob rate apply to requests through Batchdeck;
          running vCPUs, jobs waiting and log bytes are AWS's to limit.
        </p>
      ) : null}
    </div>
  );
}

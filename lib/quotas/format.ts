// How a quota and its usage read, the same on Settings → Quotas, the operator's pages and in
// the errors the API and the console give when one is reached.
import type { QuotaName } from "./names";

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${integer.format(value)} bytes` : `${decimal.format(value)} ${units[unit]}`;
}

/** A quota's value as a person reads it; 0 is "Unlimited". */
export function formatQuota(name: QuotaName, value: number): string {
  if (value === 0) return "Unlimited";
  switch (name) {
    case "maxLogBytes":
      return formatBytes(value);
    case "submitRatePerSecond":
      return `${decimal.format(value)} per second`;
    case "maxRunningVcpus":
      return `${decimal.format(value)} vCPUs`;
    case "maxWaitingJobs":
      return `${integer.format(value)} jobs`;
    case "maxArraySize":
      return `${integer.format(value)} children`;
    case "submitBurst":
      return `${integer.format(value)} requests`;
  }
}

/** "3 of 8 (38%)", or "3 (no quota)" when the quota is unlimited. */
export function formatUsage(name: QuotaName, used: number, quota: number): string {
  const amount = name === "maxLogBytes" ? formatBytes(used) : decimal.format(used);
  if (quota === 0) return `${amount} (no quota)`;
  const of = name === "maxLogBytes" ? formatBytes(quota) : decimal.format(quota);
  return `${amount} of ${of} (${Math.round((used / quota) * 100)}%)`;
}

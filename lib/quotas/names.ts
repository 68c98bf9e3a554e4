// The quotas' names, labels and shapes: no server code, so the console's client components
// (the operator's quota form) import them without pulling the database into the browser bundle.

export const QUOTA_NAMES = [
  "maxRunningVcpus",
  "maxWaitingJobs",
  "maxArraySize",
  "submitRatePerSecond",
  "submitBurst",
  "maxLogBytes",
] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];

/** Every quota as a number; 0: unlimited. */
export type Quotas = Record<QuotaName, number>;

/** What a person reads: the console, the API's error messages and the operator's page. */
export const QUOTA_LABELS: Record<QuotaName, string> = {
  maxRunningVcpus: "Running vCPUs",
  maxWaitingJobs: "Jobs waiting",
  maxArraySize: "Array size",
  submitRatePerSecond: "SubmitJob requests per second",
  submitBurst: "SubmitJob burst",
  maxLogBytes: "Log bytes kept",
};

export interface QuotaSettings {
  /** What the operator set for this organization; null: the install's default. */
  chosen: Record<QuotaName, number | null>;
  defaults: Quotas;
  effective: Quotas;
}

// Every React Query key comes from here, and every live page names its refresh interval, so
// invalidation after a mutation reaches each view that shows the changed data.
export const queryKeys = {
  health: () => ["health"] as const,
  auditEvents: (orgId: string, cursor: string | null) => ["audit", orgId, cursor] as const,
  computeEnvironmentUsage: (orgId: string) => ["computeEnvironments", orgId, "usage"] as const,
  jobQueueCounts: (orgId: string) => ["jobQueues", orgId, "counts"] as const,
  /** Every job view of an organization: invalidate this after submitting or stopping jobs. */
  jobs: (orgId: string) => ["jobs", orgId] as const,
  /** One page of the job list; `search` is the URL's filter and page position. */
  jobList: (orgId: string, search: string) => ["jobs", orgId, "list", search] as const,
  /** How many jobs a filter matches (the bulk-action confirmation). */
  jobCount: (orgId: string, search: string) => ["jobs", orgId, "count", search] as const,
  jobDetail: (orgId: string, jobId: string) => ["jobs", orgId, "detail", jobId] as const,
  /** A page of an array job's children, by status. */
  jobChildren: (orgId: string, jobId: string, search: string) => ["jobs", orgId, "children", jobId, search] as const,
  /** Jobs found by name or id (choosing dependencies). */
  jobSearch: (orgId: string, term: string) => ["jobs", orgId, "search", term] as const,
  /** The dashboard's series for one time range (app/api/metrics/series). */
  metricSeries: (orgId: string, range: string) => ["metrics", "series", orgId, range] as const,
  /** The dashboard's "Right now" (app/api/metrics/now). */
  metricNow: (orgId: string) => ["metrics", "now", orgId] as const,
};

export const refreshIntervals = {
  /** Lists of jobs and statuses that change by the second. */
  live: 2_000,
  /** Counts and charts. */
  dashboard: 5_000,
  /** Engine heartbeat shown in the shell. */
  health: 15_000,
} as const;

// Every React Query key comes from here, and every live page names its refresh interval, so
// invalidation after a mutation reaches each view that shows the changed data.
export const queryKeys = {
  health: () => ["health"] as const,
  auditEvents: (orgId: string, cursor: string | null) => ["audit", orgId, cursor] as const,
  /** The dashboard's series for one time range (app/api/metrics/series). */
  metricSeries: (orgId: string, range: string) => ["metrics", "series", orgId, range] as const,
};

export const refreshIntervals = {
  /** Lists of jobs and statuses that change by the second. */
  live: 2_000,
  /** Counts and charts. */
  dashboard: 5_000,
  /** Engine heartbeat shown in the shell. */
  health: 15_000,
} as const;

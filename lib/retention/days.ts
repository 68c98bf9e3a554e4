// Retention in days, shared by the settings page and the engine: pure, no database.

export const DAY_MS = 24 * 3_600_000;

export interface RetentionDays {
  /** 0: keep forever. */
  jobDays: number;
  /** 0: keep forever (or until the job goes). */
  logDays: number;
}

/** What applies: the organization's choice, else the default; logs capped by jobs. */
export function effectiveRetention(
  chosen: { jobDays: number | null; logDays: number | null } | null,
  defaults: RetentionDays,
): RetentionDays {
  const jobDays = chosen?.jobDays ?? defaults.jobDays;
  let logDays = chosen?.logDays ?? defaults.logDays;
  if (jobDays > 0 && (logDays === 0 || logDays > jobDays)) logDays = jobDays;
  return { jobDays, logDays };
}

// The statuses of a schedule's fires and of webhook deliveries. They are their own words, not a
// job's (lib/batch/states.ts), though some are spelled alike.
export const FireStatus = {
  /** Claimed by an engine, the job not yet recorded. */
  FIRING: "FIRING",
  SUBMITTED: "SUBMITTED",
  FAILED: "FAILED",
  SKIPPED: "SKIPPED",
} as const;
export type FireStatus = (typeof FireStatus)[keyof typeof FireStatus];

export const DeliveryStatus = {
  PENDING: "PENDING",
  DELIVERED: "DELIVERED",
  /** Given up after a day, or its endpoint was deleted. */
  FAILED: "FAILED",
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

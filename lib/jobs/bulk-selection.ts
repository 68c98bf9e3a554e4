// What the console's bulk actions ("cancel these", "terminate everything matching", "submit
// again") share: a filter pinned to the moment the caller confirmed.
import { z } from "zod";
import { type JobFilter, toListInput } from "./console-filter";
import type { ConsoleJobListInput } from "./list-jobs";

/** When the confirmation was shown (epoch ms): within JavaScript's dates, up to the year 9999. */
export const asOfSchema = z
  .number()
  .int()
  .positive()
  .max(253_402_300_799_999, "asOf must be a date (epoch milliseconds).");

/**
 * The filter's jobs that existed when the caller confirmed (`asOf`), so jobs submitted meanwhile
 * are not swept up. `callerId` is whose jobs the filter's "My jobs" means.
 */
export function filterAsOf(filter: JobFilter, asOf: number, callerId: string): Omit<ConsoleJobListInput, "limit"> {
  const base = toListInput(filter, callerId);
  return { ...base, createdBefore: Math.min(base.createdBefore ?? Number.POSITIVE_INFINITY, asOf + 1) };
}

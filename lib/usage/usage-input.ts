// The console's usage query (the Usage page's URL and its CSV export): a range of UTC days,
// the last 30 by default, and what to group by.
import { z } from "zod";
import { addDays, isUtcDay, utcDay } from "./days";
import type { UsageGroupBy } from "./usage-report";

/** An organization's own groupings (organization is the operator's, across organizations). */
export const ORG_USAGE_GROUPS = ["day", "queue", "definition", "share", "user"] as const satisfies UsageGroupBy[];
export type OrgUsageGroupBy = (typeof ORG_USAGE_GROUPS)[number];

export const DEFAULT_USAGE_DAYS = 30;
/** The longest range one report covers: two years of days. */
export const MAX_USAGE_DAYS = 731;

const blankIsAbsent = (v: unknown) => (v === "" ? undefined : v);
const day = z.string().refine(isUtcDay, { message: "Write a day as YYYY-MM-DD." });

/** A usage query over `groups`, grouped by `fallback` when none is given. */
function usageQueryFor<G extends readonly [UsageGroupBy, ...UsageGroupBy[]]>(groups: G, fallback: G[number]) {
  return z
    .object({
      from: z.preprocess(blankIsAbsent, day.optional()),
      to: z.preprocess(blankIsAbsent, day.optional()),
      group: z.preprocess(blankIsAbsent, z.enum(groups).default(fallback as never)),
    })
    .transform((q, ctx) => {
      const to = q.to ?? (q.from ? maxDay(q.from, utcDay(Date.now())) : utcDay(Date.now()));
      const from = q.from ?? addDays(to, -(DEFAULT_USAGE_DAYS - 1));
      if (from > to) {
        ctx.addIssue({ code: "custom", message: "The range must end on or after its first day.", path: ["to"] });
        return z.NEVER;
      }
      if (addDays(from, MAX_USAGE_DAYS - 1) < to) {
        ctx.addIssue({ code: "custom", message: `A range covers at most ${MAX_USAGE_DAYS} days.`, path: ["from"] });
        return z.NEVER;
      }
      return { from, to, group: q.group as G[number] };
    });
}

export const usageQueryInput = usageQueryFor(ORG_USAGE_GROUPS, "day");
/** The operator's groupings: across organizations, by organization first. */
export const OPERATOR_USAGE_GROUPS = ["organization", ...ORG_USAGE_GROUPS] as const satisfies UsageGroupBy[];
export type OperatorUsageGroupBy = (typeof OPERATOR_USAGE_GROUPS)[number];
export const operatorUsageQueryInput = usageQueryFor(OPERATOR_USAGE_GROUPS, "organization");
export type OperatorUsageQuery = z.output<typeof operatorUsageQueryInput>;
export type UsageQuery = z.output<typeof usageQueryInput>;

const maxDay = (a: string, b: string) => (a > b ? a : b);

/** The query string of a usage view (the page's links, the CSV link). */
export function usageSearch(q: { from: string; to: string; group: string }): string {
  return new URLSearchParams({ from: q.from, to: q.to, group: q.group }).toString();
}

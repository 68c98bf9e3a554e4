// The console's job filter as it travels in the URL (/jobs?status=RUNNING&name=nightly…) and
// in bulk actions: strings in, a ConsoleJobListInput out. One schema for the page, the route
// handler the list polls, and the "everything matching" actions, so all three mean the same
// jobs by the same filter.
import { z } from "zod";
import { JOB_STATUSES } from "@/lib/batch/states";
import { parseJobSearch } from "./job-search";
import type { ConsoleJobListInput } from "./list-jobs";

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim())
    .optional();

/** "2026-12-01T06:00" (a datetime-local input, read as UTC) or epoch milliseconds. */
const instant = z
  .string()
  .max(40)
  .optional()
  .transform((s, ctx) => {
    const t = s?.trim();
    if (!t) return undefined;
    const ms = /^\d{1,15}$/.test(t) ? Number(t) : Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "Enter a date and time, such as 2026-12-01T06:00." });
      return z.NEVER;
    }
    return ms;
  });

export const JOB_FILTER_STATUSES = ["ALL", ...JOB_STATUSES] as const;

/**
 * The orders the list can page through honestly with its keyset cursor: submission time either
 * way, and name (then submission time) either way. Duration is not among them: it is not a
 * column an index can walk, so a page of it would be one page sorted, not the list.
 */
export const JOB_SORTS = ["newest", "oldest", "name", "name-desc"] as const;
export type JobSort = (typeof JOB_SORTS)[number];
export const JOB_SORT_LABELS: Record<JobSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  name: "Name, A to Z",
  "name-desc": "Name, Z to A",
};

export const jobFilterSchema = z.object({
  /** The search box: a job id, a job ARN, an array child's `<id>:<index>`, or a name's start. */
  q: text(2048),
  /** "1": only the caller's own jobs ("My jobs"). */
  mine: z.enum(["1"], { message: "Choose whether to show only your jobs." }).optional(),
  queue: text(200),
  status: z.enum(JOB_FILTER_STATUSES, { message: "Choose a status." }).optional(),
  /** Name prefix, case-insensitive. */
  name: text(128),
  /** Definition name (every revision), name:revision, or ARN. */
  definition: text(2048),
  createdAfter: instant,
  createdBefore: instant,
  share: text(255),
});
export type JobFilterParams = z.input<typeof jobFilterSchema>;
export type JobFilter = z.output<typeof jobFilterSchema>;

export const jobListQuerySchema = jobFilterSchema.extend({
  sort: z.enum(JOB_SORTS, { message: "Choose an order." }).optional(),
  cursor: z.string().max(1024).optional(),
  back: z.string().max(1024).optional(),
  arrayJobId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const PAGE_SIZE = 50;

/**
 * A parsed filter → the list query (without the page position and order). `callerId` is whose
 * jobs "My jobs" means: the signed-in user (or the access key's owner).
 */
export function toListInput(filter: JobFilter, callerId: string): Omit<ConsoleJobListInput, "limit"> {
  const name = filter.name ? (filter.name.endsWith("*") ? filter.name : `${filter.name}*`) : undefined;
  const search = parseJobSearch(filter.q ?? "");
  return {
    ...(search?.kind === "id" ? { jobId: search.jobId } : {}),
    ...(search?.kind === "name" && search.prefix ? { namePrefix: search.prefix } : {}),
    ...(filter.mine ? { submittedBy: callerId } : {}),
    queue: filter.queue || undefined,
    status: filter.status ?? "ALL",
    name,
    definition: filter.definition || undefined,
    createdAfter: filter.createdAfter,
    createdBefore: filter.createdBefore,
    shareIdentifier: filter.share || undefined,
  };
}

/** The URL search string of a filter (empty values left out), for links and query keys. */
export function filterSearch(params: JobFilterParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === "string" && v !== "") out.set(k, v);
  return out.toString();
}

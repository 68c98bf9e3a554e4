// Where the console's pages link to each other: a queue's, a definition's and an environment's
// place, and the job list filtered. One spelling of each, so a link and the page it lands on
// agree (compute environments have no page of their own: their row in the list is the anchor).
import { filterSearch, type JobFilterParams } from "@/lib/jobs/console-filter";

/** The last part of an ARN: a queue's name, a definition's name:revision. */
export const arnName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export const jobQueueHref = (name: string) => `/job-queues/${encodeURIComponent(name)}`;

/**
 * A definition's page; a `name:revision` opens it on that revision (`?revision=N`), a bare name
 * on the latest.
 */
export const jobDefinitionHref = (name: string) => {
  const colon = name.lastIndexOf(":");
  const revision = colon > 0 ? Number(name.slice(colon + 1)) : Number.NaN;
  if (!Number.isInteger(revision) || revision < 1) return `/job-definitions/${encodeURIComponent(name)}`;
  return `/job-definitions/${encodeURIComponent(name.slice(0, colon))}?revision=${revision}`;
};

/** The submit form with this exact revision chosen (app/(console)/jobs/new reads `definition`). */
export const submitWithRevisionHref = (name: string, revision: number) =>
  `/jobs/new?definition=${encodeURIComponent(`${name}:${revision}`)}`;

export const computeEnvironmentHref = (name: string) => `/compute-environments/${encodeURIComponent(name)}`;

/** The job list with a filter (lib/jobs/console-filter.ts), empty values left out. */
export const jobListHref = (filter: JobFilterParams) => {
  const search = filterSearch(filter);
  return search ? `/jobs?${search}` : "/jobs";
};

// What each live view of the console reads, as React Query options: the key (lib/query-keys.ts),
// the route it comes from (through api-client.ts) and how often it refreshes. A component calls
// `useQuery({ ...jobQueries.list(orgId, search), initialData })`, never a fetcher of its own, so
// a key always means one request and one answer's shape.
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { isTerminal } from "@/lib/batch/states";
import { filterSearch, type JobFilterParams } from "@/lib/jobs/console-filter";
import type { JobView } from "@/lib/jobs/console-job-view";
import type { ConsoleJob } from "@/lib/jobs/list-jobs";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import type { MetricSeries } from "@/lib/metrics/get-metric-series";
import type { RangeKey } from "@/lib/metrics/ranges";
import type { RightNow } from "@/lib/metrics/right-now";
import { queryKeys, refreshIntervals } from "@/lib/query-keys";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import { getJson } from "./api-client";

/** One page of the console's job list (app/api/jobs). */
export interface JobPage {
  jobs: ConsoleJob[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/** A job found by id, ARN or name start (app/api/jobs/search). */
export interface FoundJob {
  jobId: string;
  jobName: string;
  status: string;
  arraySize?: number;
}

export const jobQueries = {
  /** One page of the list; `search` is the URL's filter and page position. */
  list: (orgId: string, search: string) =>
    queryOptions({
      queryKey: queryKeys.jobList(orgId, search),
      queryFn: () => getJson<JobPage>("/api/jobs", search),
      refetchInterval: refreshIntervals.live,
    }),

  /** How many jobs a filter matches now (read afresh each time: the count pins a bulk action). */
  count: (orgId: string, filter: JobFilterParams) => {
    const search = filterSearch(filter);
    return queryOptions({
      queryKey: queryKeys.jobCount(orgId, search),
      queryFn: () => getJson<{ count: number; capped: boolean }>("/api/jobs/count", search),
      staleTime: 0,
    });
  },

  /** A job's page data, live while the job can still change. */
  detail: (orgId: string, jobId: string) =>
    queryOptions({
      queryKey: queryKeys.jobDetail(orgId, jobId),
      queryFn: () => getJson<JobView>(`/api/jobs/${encodeURIComponent(jobId)}`),
      refetchInterval: (q) => (q.state.data && isTerminal(q.state.data.job.status) ? false : refreshIntervals.live),
    }),

  /**
   * A page of an array job's children. `version` (the parent's status summary) is part of the
   * key: when it moves, also on the refresh that finds the parent finished, the page is read
   * again rather than left behind.
   */
  children: (orgId: string, jobId: string, search: string, version: string, live: boolean) =>
    queryOptions({
      queryKey: queryKeys.jobChildren(orgId, jobId, `${search}#${version}`),
      queryFn: () => getJson<{ jobs: ConsoleJob[]; nextCursor: string | null }>("/api/jobs", search),
      placeholderData: keepPreviousData,
      refetchInterval: live ? refreshIntervals.live : false,
    }),

  /** Jobs by id, ARN or name start, for choosing dependencies; nothing is asked for an empty term. */
  search: (orgId: string, term: string) =>
    queryOptions({
      queryKey: queryKeys.jobSearch(orgId, term),
      queryFn: () => getJson<{ jobs: FoundJob[] }>("/api/jobs/search", new URLSearchParams({ q: term }).toString()),
      enabled: term.length > 0,
    }),
};

export const resourceQueries = {
  /** Capacity in use per compute environment. */
  computeEnvironmentUsage: (orgId: string) =>
    queryOptions({
      queryKey: queryKeys.computeEnvironmentUsage(orgId),
      queryFn: () => getJson<{ computeEnvironments: ComputeEnvironmentUsage[] }>("/api/compute-environments/usage"),
      refetchInterval: refreshIntervals.live,
    }),

  /** Jobs per status of every queue (the queues page and one queue's page share it). */
  jobQueueCounts: (orgId: string) =>
    queryOptions({
      queryKey: queryKeys.jobQueueCounts(orgId),
      queryFn: () => getJson<{ jobQueues: JobQueueCounts[] }>("/api/job-queues/counts"),
      refetchInterval: refreshIntervals.live,
    }),
};

export const metricQueries = {
  /** The dashboard's series for one time range. */
  series: (orgId: string, range: RangeKey) =>
    queryOptions({
      queryKey: queryKeys.metricSeries(orgId, range),
      queryFn: () => getJson<MetricSeries>("/api/metrics/series", new URLSearchParams({ range }).toString()),
      refetchInterval: refreshIntervals.dashboard,
    }),

  /** The dashboard's "Right now": jobs starting, running and waiting, vCPUs in use, the longest wait. */
  now: (orgId: string) =>
    queryOptions({
      queryKey: queryKeys.metricNow(orgId),
      queryFn: () => getJson<RightNow>("/api/metrics/now"),
      refetchInterval: refreshIntervals.live,
    }),
};

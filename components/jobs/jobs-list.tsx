"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { type JobPage, jobQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { JobFilterParams, JobSort } from "@/lib/jobs/console-filter";
import { BulkActionDialog, BulkButtons, type BulkKind, type BulkTarget, jobCount } from "./bulk-actions";
import { JobRows } from "./job-rows";

/** "12 of 20 succeeded · 3 failed": an array parent's children at a glance. */
export function ArraySummary({ size, summary }: { size: number; summary?: Partial<Record<string, number>> }) {
  const done = summary?.SUCCEEDED ?? 0;
  const failed = summary?.FAILED ?? 0;
  const running = ON_HOST_STATUSES.reduce((n, s) => n + (summary?.[s] ?? 0), 0);
  return (
    <span className="text-xs text-slate-600">
      Array of {size}: {done} succeeded
      {running ? ` · ${running} running` : ""}
      {failed ? ` · ${failed} failed` : ""}
    </span>
  );
}

/**
 * The live job list: the server renders the first page, then React Query polls the same page
 * (same filter and cursor) every refreshIntervals.live. Checkboxes choose jobs; when the whole
 * page is chosen, "everything matching the filter" can be chosen instead. Cancel and Terminate
 * are offered only on what the caller's role may stop: any job with jobs.stopAny, else only a
 * selection of their own jobs (the server refuses the rest all the same).
 */
export function JobsList({
  orgId,
  search,
  filter,
  initial,
  sort,
  mayStopAny,
}: {
  orgId: string;
  /** The URL's search string: filter and page position. */
  search: string;
  filter: JobFilterParams;
  initial: JobPage;
  /** The list's order; null when the backend lists newest first only. */
  sort: JobSort | null;
  /** The caller's role may stop anyone's jobs (jobs.stopAny), not only their own. */
  mayStopAny: boolean;
}) {
  const queryClient = useQueryClient();
  const list = useQuery({ ...jobQueries.list(orgId, search), initialData: initial });
  const page = list.data ?? initial;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [kind, setKind] = useState<BulkKind | null>(null);
  const [target, setTarget] = useState<BulkTarget | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [counting, setCounting] = useState(false);

  // A new filter or page starts a new selection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the URL changes
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [search]);

  const ids = useMemo(() => page.jobs.map((j) => j.jobId), [page.jobs]);
  const pageAllSelected = ids.length > 0 && ids.every((id) => selected.has(id));
  const someSelected = selected.size > 0 || allMatching;
  const mine = useMemo(() => new Set(page.jobs.filter((j) => j.submittedByCaller).map((j) => j.jobId)), [page.jobs]);
  // Without jobs.stopAny: only a selection wholly of the caller's own jobs (or everything
  // matching "My jobs") may be stopped, so only then are Cancel and Terminate offered.
  const mayStopSelection =
    mayStopAny || (allMatching ? filter.mine === "1" : selected.size > 0 && [...selected].every((id) => mine.has(id)));

  const toggle = (id: string) => {
    setAllMatching(false);
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const togglePage = () => {
    setAllMatching(false);
    setSelected(pageAllSelected ? new Set() : new Set(ids));
  };

  const choose = async (k: BulkKind) => {
    setNotice(null);
    if (!allMatching) {
      setTarget({ mode: "ids", jobIds: [...selected] });
      setKind(k);
      return;
    }
    // Count what the filter matches now, and pin the action to the jobs that exist now.
    setCounting(true);
    try {
      const asOf = Date.now();
      const { count, capped } = await queryClient.fetchQuery(jobQueries.count(orgId, filter));
      setTarget({ mode: "filter", filter, count, capped, asOf });
      setKind(k);
    } catch (e) {
      setNotice({ tone: "error", text: (e as Error).message });
    } finally {
      setCounting(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600" aria-live="polite">
          {allMatching
            ? "Every job matching the filter is selected."
            : selected.size
              ? `${jobCount(selected.size)} selected.`
              : mayStopAny
                ? "Select jobs to cancel, terminate or submit them again."
                : "Select jobs to submit them again, or your own jobs to cancel or terminate them."}
        </p>
        <div className="flex items-center gap-3">
          {counting ? <output className="text-sm text-slate-600">Counting matching jobs…</output> : null}
          <BulkButtons disabled={!someSelected || counting} stop={mayStopSelection} onChoose={choose} />
        </div>
      </div>
      {pageAllSelected && !allMatching && page.nextCursor !== null ? (
        <div className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 ring-1 ring-indigo-200">
          All {ids.length} jobs on this page are selected.{" "}
          <button type="button" className="font-medium underline" onClick={() => setAllMatching(true)}>
            Select every job matching this filter
          </button>
        </div>
      ) : null}
      {pageAllSelected && !allMatching && page.nextCursor === null && page.prevCursor !== null ? (
        <div className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 ring-1 ring-indigo-200">
          <button type="button" className="font-medium underline" onClick={() => setAllMatching(true)}>
            Select every job matching this filter, on every page
          </button>
        </div>
      ) : null}
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      {list.isError ? <Alert>Live updates paused: {list.error.message} Retrying…</Alert> : null}

      {page.jobs.length === 0 ? (
        <div className="rounded-md border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600">
          <p className="font-medium text-slate-800">No jobs match this filter.</p>
          <p className="mt-1">
            Change the filter above, or{" "}
            <Link href="/jobs/new" className="font-medium text-indigo-700 hover:underline">
              submit a job
            </Link>
            .
          </p>
        </div>
      ) : (
        <JobRows
          jobs={page.jobs}
          sort={sort}
          search={search}
          selection={{
            isSelected: (id) => allMatching || selected.has(id),
            toggle,
            pageAllSelected,
            togglePage,
          }}
          arraySummary={(job) =>
            job.arrayProperties?.size !== undefined ? (
              <ArraySummary size={job.arrayProperties.size} summary={job.statusSummary} />
            ) : null
          }
        />
      )}

      <Pager search={search} sort={sort} prev={page.prevCursor} next={page.nextCursor} />
      <BulkActionDialog
        orgId={orgId}
        kind={kind}
        target={target}
        onClose={() => {
          setKind(null);
          setTarget(null);
        }}
        onDone={(message) => {
          setNotice(message);
          setKind(null);
          setTarget(null);
          setSelected(new Set());
          setAllMatching(false);
        }}
      />
    </div>
  );
}

function Pager({
  search,
  sort,
  prev,
  next,
}: {
  search: string;
  sort: JobSort | null;
  prev: string | null;
  next: string | null;
}) {
  // Newest first (the default) pages towards older jobs; other orders page forward and back.
  const byTime = sort === null || sort === "newest";
  const link = (change: Record<string, string>) => {
    const params = new URLSearchParams(search);
    params.delete("cursor");
    params.delete("back");
    for (const [k, v] of Object.entries(change)) params.set(k, v);
    return `/jobs?${params.toString()}`;
  };
  if (!prev && !next) return null;
  return (
    <nav aria-label="Pages" className="flex justify-between gap-3">
      {prev ? (
        <Link href={link({ back: prev })} className="text-sm font-medium text-indigo-700 hover:underline">
          {byTime ? "← Newer jobs" : "← Previous page"}
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link href={link({ cursor: next })} className="text-sm font-medium text-indigo-700 hover:underline">
          {byTime ? "Older jobs →" : "Next page →"}
        </Link>
      ) : null}
    </nav>
  );
}

"use client";

// The job list's rows, twice over: a table on wider screens (sortable by name and by submission
// time, its headers saying the order with aria-sort) and, on a phone, one card per job (status,
// name, id, queue, times) instead of a table scrolling sideways. CSS shows one of the two.
import Link from "next/link";
import type { ReactNode } from "react";
import type { JobSort } from "@/lib/jobs/console-filter";
import type { ConsoleJob } from "@/lib/jobs/list-jobs";
import { listReason } from "@/lib/jobs/list-reason";
import { StatusBadge } from "./status-badge";
import { Elapsed, RelativeTime } from "./time";

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export interface RowSelection {
  isSelected: (jobId: string) => boolean;
  toggle: (jobId: string) => void;
  pageAllSelected: boolean;
  togglePage: () => void;
}

/** The list's URL in another order, from the first page. */
function sortHref(search: string, sort: JobSort): string {
  const params = new URLSearchParams(search);
  params.delete("cursor");
  params.delete("back");
  if (sort === "newest") params.delete("sort");
  else params.set("sort", sort);
  const qs = params.toString();
  return qs ? `/jobs?${qs}` : "/jobs";
}

function SortHeader({
  label,
  search,
  sort,
  ascending,
  descending,
  firstClick,
}: {
  label: string;
  search: string;
  /** The list's order; null when the backend has only newest first. */
  sort: JobSort | null;
  ascending: JobSort;
  descending: JobSort;
  /** The order a first click on this header asks for. */
  firstClick: JobSort;
}) {
  const current = sort ?? "newest";
  const state = current === ascending ? "ascending" : current === descending ? "descending" : undefined;
  const next = state === "ascending" ? descending : state === "descending" ? ascending : firstClick;
  return (
    <th scope="col" aria-sort={state ?? "none"} className="pr-4 pb-2 font-medium whitespace-nowrap">
      {sort === null ? (
        label
      ) : (
        <Link
          href={sortHref(search, next)}
          scroll={false}
          className="inline-flex items-center gap-1 uppercase hover:text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          {label}
          <span aria-hidden="true">{state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕"}</span>
        </Link>
      )}
    </th>
  );
}

function Duration({ job }: { job: ConsoleJob }) {
  if (job.startedAt === undefined) return <span className="text-slate-400">—</span>;
  return (
    <span className="whitespace-nowrap" title={job.stoppedAt === undefined ? "Running for" : "Ran for"}>
      <Elapsed from={job.startedAt} to={job.stoppedAt} />
    </span>
  );
}

const exitCodeOf = (job: ConsoleJob) => job.container?.exitCode;
const attemptsOf = (job: ConsoleJob) =>
  job.attempts === undefined ? undefined : `${job.attempts} of ${job.attemptsAllowed ?? job.attempts}`;
const dash = <span className="text-slate-400">—</span>;

function Reason({ job }: { job: ConsoleJob }) {
  const reason = listReason(job.statusReason, exitCodeOf(job));
  return reason ? (
    <div className="mt-1 max-w-56 truncate text-xs text-slate-500" title={reason}>
      {reason}
    </div>
  ) : null;
}

function Checkbox({ job, selection }: { job: ConsoleJob; selection: RowSelection }) {
  return (
    <input
      type="checkbox"
      aria-label={`Select ${job.jobName}`}
      checked={selection.isSelected(job.jobId)}
      onChange={() => selection.toggle(job.jobId)}
      className="rounded border-slate-300 focus:ring-indigo-500"
    />
  );
}

function JobLink({ job }: { job: ConsoleJob }) {
  return (
    <Link
      href={`/jobs/${encodeURIComponent(job.jobId)}`}
      className="font-medium break-words text-indigo-700 hover:underline"
    >
      {job.jobName}
    </Link>
  );
}

export function JobRows({
  jobs,
  selection,
  sort,
  search,
  arraySummary,
}: {
  jobs: ConsoleJob[];
  selection: RowSelection;
  sort: JobSort | null;
  search: string;
  arraySummary: (job: ConsoleJob) => ReactNode;
}) {
  const label = `Jobs, ${sort === "oldest" ? "oldest first" : sort === "name" ? "by name, A to Z" : sort === "name-desc" ? "by name, Z to A" : "newest first"}`;
  return (
    <>
      <div className="relative hidden overflow-x-auto md:block">
        <table className="w-full min-w-[52rem] text-left text-sm" aria-label={label}>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="w-8 pb-2">
                <input
                  type="checkbox"
                  aria-label="Select every job on this page"
                  checked={selection.pageAllSelected}
                  onChange={selection.togglePage}
                  className="rounded border-slate-300 focus:ring-indigo-500"
                />
              </th>
              <SortHeader
                label="Name"
                search={search}
                sort={sort}
                ascending="name"
                descending="name-desc"
                firstClick="name"
              />
              <th scope="col" className="pr-4 pb-2 font-medium">
                Status
              </th>
              <th scope="col" className="pr-4 pb-2 font-medium">
                Queue and definition
              </th>
              <SortHeader
                label="Submitted"
                search={search}
                sort={sort}
                ascending="oldest"
                descending="newest"
                firstClick="newest"
              />
              <th scope="col" className="pr-4 pb-2 font-medium">
                Duration
              </th>
              <th scope="col" className="pr-4 pb-2 text-right font-medium">
                Exit code
              </th>
              <th scope="col" className="pr-4 pb-2 font-medium">
                Attempts
              </th>
              <th scope="col" className="pb-2 font-medium">
                Submitted by
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.jobId} data-job-id={job.jobId} className="border-t border-slate-100 align-top">
                <td className="py-2">
                  <Checkbox job={job} selection={selection} />
                </td>
                <td className="min-w-48 py-2 pr-4">
                  <JobLink job={job} />
                  <div className="font-mono text-xs break-all text-slate-500">{job.jobId}</div>
                  {arraySummary(job)}
                </td>
                <td className="py-2 pr-4">
                  <StatusBadge status={job.status} />
                  <Reason job={job} />
                </td>
                <td className="py-2 pr-4">
                  <div className="break-all">{lastSegment(job.jobQueue)}</div>
                  <div className="text-xs break-all text-slate-500">{lastSegment(job.jobDefinition)}</div>
                </td>
                <td className="py-2 pr-4">
                  <RelativeTime ms={job.createdAt} />
                </td>
                <td className="py-2 pr-4">
                  <Duration job={job} />
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{exitCodeOf(job) ?? dash}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{attemptsOf(job) ?? dash}</td>
                <td className="max-w-40 truncate py-2" title={job.submittedBy}>
                  {job.submittedBy ?? dash}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul aria-label={label} className="space-y-3 md:hidden">
        {jobs.map((job) => (
          <li key={job.jobId} data-job-card={job.jobId} className="rounded-md p-3 ring-1 ring-slate-200">
            <div className="flex items-start gap-3">
              <Checkbox job={job} selection={selection} />
              <div className="min-w-0 flex-1 space-y-1">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <JobLink job={job} />
                  <StatusBadge status={job.status} />
                </div>
                <div className="font-mono text-xs break-all text-slate-500">{job.jobId}</div>
                <Reason job={job} />
                {arraySummary(job)}
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-600">
                  <dt>Queue</dt>
                  <dd className="break-all">{lastSegment(job.jobQueue)}</dd>
                  <dt>Submitted</dt>
                  <dd>
                    <RelativeTime ms={job.createdAt} />
                    {job.submittedBy ? ` by ${job.submittedBy}` : ""}
                  </dd>
                  <dt>
                    {job.startedAt === undefined ? "Run time" : job.stoppedAt === undefined ? "Running for" : "Ran for"}
                  </dt>
                  <dd>
                    <Duration job={job} />
                  </dd>
                </dl>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

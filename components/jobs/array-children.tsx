"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { jobQueries } from "@/components/lib/queries";
import { Table } from "@/components/ui/table";
import { JOB_STATUSES } from "@/lib/batch/states";
import { StatusBadge } from "./status-badge";
import { duration, RelativeTime } from "./time";

const PAGE = 25;

/**
 * An array job's children: the status summary (each count filters the table), then the
 * children in index order, a page at a time, refreshed live while the parent is unfinished.
 */
export function ArrayChildren({
  orgId,
  jobId,
  size,
  summary,
  live,
}: {
  orgId: string;
  jobId: string;
  size: number;
  summary: Record<string, number>;
  live: boolean;
}) {
  const [status, setStatus] = useState("ALL");
  // Index-keyed pages: the cursors of the pages seen so far make "previous" exact.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const params = new URLSearchParams({ arrayJobId: jobId, status, limit: String(PAGE) });
  if (cursor) params.set("cursor", cursor);
  const search = params.toString();
  const children = useQuery(jobQueries.children(orgId, jobId, search, JSON.stringify(summary), live));
  const choose = (s: string) => {
    setStatus(s);
    setCursors([]);
  };
  return (
    <div className="space-y-3">
      <fieldset className="flex flex-wrap items-center gap-2">
        <legend className="sr-only">Children by status</legend>
        <button
          type="button"
          aria-pressed={status === "ALL"}
          onClick={() => choose("ALL")}
          className="rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-slate-300 aria-pressed:bg-slate-800 aria-pressed:text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          All {size}
        </button>
        {JOB_STATUSES.filter((s) => (summary[s] ?? 0) > 0).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            onClick={() => choose(s)}
            className="rounded-full focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-pressed:ring-2 aria-pressed:ring-slate-800"
          >
            <StatusBadge status={s} className="gap-1" />
            <span className="sr-only">:</span> <span className="text-xs text-slate-700">{summary[s]}</span>
          </button>
        ))}
      </fieldset>
      {children.isPending ? (
        <output className="block text-sm text-slate-600">Loading children…</output>
      ) : children.isError ? (
        <p className="text-sm text-red-700">Could not load the children; retrying.</p>
      ) : (
        <Table
          label="Children"
          className="min-w-[36rem]"
          columns={[
            { header: "Index" },
            { header: "Status" },
            { header: "Started" },
            { header: "Duration" },
            { header: "Exit code" },
          ]}
          rows={children.data.jobs}
          rowKey={(c) => c.jobId}
          ruledHeader
          empty="No child has this status."
          renderRow={(c) => (
            <>
              <td className="py-1.5 pr-4">
                <Link href={`/jobs/${encodeURIComponent(c.jobId)}`} className="text-indigo-700 hover:underline">
                  {c.arrayProperties?.index ?? c.jobId}
                </Link>
              </td>
              <td className="py-1.5 pr-4">
                <StatusBadge status={c.status} />
              </td>
              <td className="py-1.5 pr-4">
                <RelativeTime ms={c.startedAt} />
              </td>
              <td className="py-1.5 pr-4">{c.startedAt && c.stoppedAt ? duration(c.stoppedAt - c.startedAt) : "—"}</td>
              <td className="py-1.5">{c.container?.exitCode ?? "—"}</td>
            </>
          )}
        />
      )}
      <nav aria-label="Children pages" className="flex justify-between">
        {cursors.length > 0 ? (
          <button
            type="button"
            className="text-sm font-medium text-indigo-700 hover:underline"
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Previous
          </button>
        ) : (
          <span />
        )}
        {children.data?.nextCursor ? (
          <button
            type="button"
            className="text-sm font-medium text-indigo-700 hover:underline"
            onClick={() => {
              const next = children.data?.nextCursor;
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            Next →
          </button>
        ) : null}
      </nav>
    </div>
  );
}

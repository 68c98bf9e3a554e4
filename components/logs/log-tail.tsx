"use client";

// The newest lines of one attempt, live, for the job page: the viewer's stream (use-log-stream.ts)
// into a small buffer, its last lines drawn as the viewer draws them (log-lines.tsx). Search,
// filters, every line and the download are the logs page's, one click away.
import Link from "next/link";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { LogLines } from "./log-lines";
import { noOutputText, StreamState } from "./log-status";
import { useLogStream } from "./use-log-stream";

export const TAIL_LINES = 50;
/** Lines kept in the browser: a few hundred, the oldest dropped a tenth at a time (lib/log-buffer.ts). */
const TAIL_CAPACITY = 500;

/** `removed`: the job's logs were deleted by the organization's retention or log-bytes quota. */
export function LogTail({
  jobId,
  attempt,
  removed = false,
  lines = TAIL_LINES,
}: {
  jobId: string;
  attempt: number;
  removed?: boolean;
  lines?: number;
}) {
  const { buffer: b, tick, connection, started } = useLogStream(jobId, attempt, { capacity: TAIL_CAPACITY });
  // Follow keeps the newest line in view; scrolling up stops it, the button starts it again.
  const [follow, setFollow] = useState(true);
  const total = b.droppedCount + b.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the signal that the buffer grew.
  const rows = useMemo(() => {
    const from = Math.max(b.droppedCount, total - lines);
    return Array.from({ length: total - from }, (_, k) => from + k);
  }, [b, total, lines, tick]);
  const ended = connection === "ended";

  return (
    <section
      aria-labelledby="latest-output-title"
      className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
      data-testid="latest-output"
    >
      <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 px-4 py-3">
        <h2 id="latest-output-title" className="text-sm font-semibold text-slate-800">
          Latest output <span className="font-normal text-slate-600">· attempt {attempt}</span>
        </h2>
        <div className="flex flex-wrap items-center gap-3 text-xs text-slate-600">
          <StreamState connection={connection} endedLabel={`Attempt ${attempt} has ended`} />
          {total > lines ? <span>the last {lines} lines</span> : null}
          {!follow && !ended ? (
            <Button variant="ghost" className="text-xs" onClick={() => setFollow(true)}>
              Follow newest
            </Button>
          ) : null}
          <Link
            href={`/jobs/${encodeURIComponent(jobId)}/logs?attempt=${attempt}`}
            className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            Open full log
          </Link>
        </div>
      </header>
      <LogLines
        buffer={b}
        rows={rows}
        tick={tick}
        empty={rows.length === 0 ? noOutputText({ started, connection, removed }) : null}
        showTimes={false}
        query=""
        follow={follow}
        onStopFollowing={() => setFollow(false)}
        label="Latest output lines"
        heightClass="h-72"
      />
    </section>
  );
}

"use client";

// One attempt's output, live (use-log-stream.ts). Search highlights or filters; STDOUT/STDERR/
// both and timestamps are view options over the same buffer (log-toolbar.tsx). Pause freezes
// the view while lines keep arriving; the lines themselves scroll virtualized (log-lines.tsx).
import { useEffect, useMemo, useRef, useState } from "react";
import { stripAnsi } from "./lib/ansi";
import { FilteredView } from "./lib/log-buffer";
import { LogLines } from "./log-lines";
import { LogStatus, noOutputText } from "./log-status";
import { LogToolbar, type LogViewOptions } from "./log-toolbar";
import { useLogStream } from "./use-log-stream";

/** `removed`: the job's logs were deleted by the organization's retention or log-bytes quota. */
export function LogViewer({
  jobId,
  attempt,
  removed = false,
}: {
  jobId: string;
  attempt: number | null;
  removed?: boolean;
}) {
  const { buffer: b, tick, connection, started } = useLogStream(jobId, attempt);
  const [options, setOptions] = useState<LogViewOptions>({
    search: "",
    onlyMatches: false,
    stream: "both",
    showTimes: false,
    follow: true,
    paused: false,
  });
  const { search, onlyMatches, stream, showTimes, follow, paused } = options;
  const change = (patch: Partial<LogViewOptions>) => setOptions((o) => ({ ...o, ...patch }));
  const [query, setQuery] = useState("");

  // Debounce typing so a million-line rescan happens once per pause in typing.
  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 150);
    return () => clearTimeout(t);
  }, [search]);

  const view = useMemo(
    () => new FilteredView({ stream, query: onlyMatches ? query : "" }, stripAnsi),
    [stream, query, onlyMatches],
  );
  // While paused the view keeps a copy of the rows it showed; the buffer keeps filling. The copy
  // is of the rows last rendered, not recomputed at the click: a batch that arrived in the same
  // frame as the click was never on screen and belongs to the "new" count.
  const frozen = useRef<{ rows: readonly number[]; total: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the signal that the buffer grew.
  const live = useMemo(() => (paused ? null : view.update(b)), [view, paused, tick]);
  const total = b.droppedCount + b.length;
  const togglePause = () => {
    if (!paused) frozen.current = { rows: (live ?? []).slice(), total };
    change({ paused: !paused });
  };
  const rows = paused && frozen.current ? frozen.current.rows : (live ?? []);
  const pending = paused && frozen.current ? total - frozen.current.total : 0;

  const downloadParams = new URLSearchParams({ stream, timestamps: showTimes ? "1" : "0" });
  if (attempt !== null) downloadParams.set("attempt", String(attempt));

  const empty =
    rows.length === 0
      ? !started || b.length === 0
        ? noOutputText({ started, connection, removed })
        : "No line matches."
      : null;

  return (
    <section aria-label="Job output" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <LogToolbar
        options={options}
        onChange={change}
        onTogglePause={togglePause}
        downloadHref={`/api/jobs/${encodeURIComponent(jobId)}/logs/download?${downloadParams}`}
        ended={connection === "ended"}
      />
      <LogStatus
        connection={connection}
        shown={rows.length}
        matching={onlyMatches && query ? query : null}
        pending={pending}
        dropped={b.droppedCount}
      />
      <LogLines
        buffer={b}
        rows={rows}
        tick={tick}
        empty={empty}
        showTimes={showTimes}
        query={query}
        follow={follow}
        onStopFollowing={() => change({ follow: false })}
      />
    </section>
  );
}

"use client";

// One attempt's output, live. Lines arrive over Server-Sent Events into a LogBuffer (which
// drops what a reconnect resends); only the rows in view are rendered (visibleWindow), so a
// million lines scroll like fifty. Search highlights or filters; STDOUT/STDERR/both and
// timestamps are view options over the same buffer. Follow keeps the newest line in view and
// turns itself off when the reader scrolls up; Pause freezes the view while lines keep arriving.
import clsx from "clsx";
import { type UIEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { highlightSegments, parseAnsi, stripAnsi } from "@/components/logs/lib/ansi";
import { FilteredView, LogBuffer } from "@/components/logs/lib/log-buffer";
import { visibleWindow } from "@/components/logs/lib/virtual-window";
import { Button } from "@/components/ui/button";
import { decodeRuns, type WireRun } from "@/lib/logs/sse";

const ROW_HEIGHT = 18;
const RETRY_MS = 1_000;

type Connection = "connecting" | "live" | "reconnecting" | "ended" | "error";
type StreamChoice = "both" | "stdout" | "stderr";

const CONNECTION_LABEL: Record<Connection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Finished: all output shown",
  error: "Disconnected; retrying…",
};

export function LogViewer({ jobId, attempt }: { jobId: string; attempt: number | null }) {
  const buffer = useRef(new LogBuffer());
  const [tick, setTick] = useState(0);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [started, setStarted] = useState(attempt !== null);
  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState(false);
  const [stream, setStream] = useState<StreamChoice>("both");
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [showTimes, setShowTimes] = useState(false);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const scroller = useRef<HTMLDivElement>(null);

  // Re-render at most once a frame however fast batches arrive.
  const frame = useRef(0);
  const refresh = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setTick((t) => t + 1);
    });
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const open = () => {
      const params = new URLSearchParams();
      if (attempt !== null) params.set("attempt", String(attempt));
      if (buffer.current.lastToken) params.set("after", buffer.current.lastToken);
      source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/logs/stream?${params}`);
      source.onopen = () => setConnection("live");
      source.onmessage = (e: MessageEvent<string>) => {
        const { runs } = JSON.parse(e.data) as { runs: WireRun[] };
        if (buffer.current.append(decodeRuns(runs), e.lastEventId || null) > 0) refresh();
      };
      source.addEventListener("attempt", (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { attempt: number | null };
        setStarted(data.attempt !== null);
      });
      source.addEventListener("end", () => {
        done = true;
        source?.close();
        setConnection("ended");
      });
      // Any break: close and reopen ourselves from the last token applied (?after=), rather
      // than rely on the browser's reconnect sending Last-Event-ID (the server honours both).
      source.onerror = () => {
        if (done || !source) return;
        setConnection(source.readyState === EventSource.CLOSED ? "error" : "reconnecting");
        source.close();
        retry = setTimeout(open, RETRY_MS);
      };
    };
    open();
    return () => {
      done = true;
      clearTimeout(retry);
      source?.close();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [jobId, attempt, refresh]);

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
  const live = useMemo(() => (paused ? null : view.update(buffer.current)), [view, paused, tick]);
  const b = buffer.current;
  const total = b.droppedCount + b.length;
  const togglePause = () => {
    if (!paused) frozen.current = { rows: (live ?? []).slice(), total };
    setPaused(!paused);
  };
  const rows = paused && frozen.current ? frozen.current.rows : (live ?? []);
  const pending = paused && frozen.current ? total - frozen.current.total : 0;
  const win = visibleWindow({ scrollTop, viewportHeight: viewport, rowHeight: ROW_HEIGHT, count: rows.length });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Follow: keep the newest line in view after every change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the rows change.
  useEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [tick, rows, follow, win.totalHeight]);

  // Follow turns off when the reader scrolls up. Growth of the content never moves scrollTop,
  // and following only moves it down, so a smaller scrollTop than last time is the reader's.
  const lastTop = useRef(0);
  const onScroll = (e: UIEvent<HTMLElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    if (el.scrollTop < lastTop.current - 1 && follow) setFollow(false);
    lastTop.current = el.scrollTop;
  };

  const downloadParams = new URLSearchParams({ stream, timestamps: showTimes ? "1" : "0" });
  if (attempt !== null) downloadParams.set("attempt", String(attempt));

  const empty =
    rows.length === 0
      ? !started
        ? "Waiting for the job to start; its output will appear here."
        : b.length === 0
          ? connection === "ended"
            ? "This attempt wrote nothing to STDOUT or STDERR."
            : "No output yet."
          : "No line matches."
      : null;

  return (
    <section aria-label="Job output" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-4 py-3">
        <div className="min-w-48 flex-1">
          <label htmlFor="log-search" className="mb-1 block text-xs font-medium text-slate-600">
            Search
          </label>
          <input
            id="log-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Text to find"
            className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none"
          />
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={onlyMatches}
            onChange={(e) => setOnlyMatches(e.target.checked)}
            className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
          />
          Only matching lines
        </label>
        <div>
          <label htmlFor="log-stream" className="mb-1 block text-xs font-medium text-slate-600">
            Stream
          </label>
          <select
            id="log-stream"
            value={stream}
            onChange={(e) => setStream(e.target.value as StreamChoice)}
            className="block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none"
          >
            <option value="both">STDOUT and STDERR</option>
            <option value="stdout">STDOUT</option>
            <option value="stderr">STDERR</option>
          </select>
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={showTimes}
            onChange={(e) => setShowTimes(e.target.checked)}
            className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
          />
          Timestamps
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setFollow(e.target.checked)}
            className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
          />
          Follow
        </label>
        <Button variant="secondary" onClick={togglePause} aria-pressed={paused}>
          {paused ? "Resume" : "Pause"}
        </Button>
        <a
          href={`/api/jobs/${encodeURIComponent(jobId)}/logs/download?${downloadParams}`}
          className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
          download
        >
          Download
        </a>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-xs text-slate-600">
        <output className="flex items-center gap-2">
          <span
            aria-hidden="true"
            className={clsx(
              "inline-block size-2 rounded-full",
              connection === "live" && "animate-pulse bg-emerald-500",
              connection === "ended" && "bg-slate-400",
              (connection === "connecting" || connection === "reconnecting") && "animate-pulse bg-amber-500",
              connection === "error" && "bg-red-500",
            )}
          />
          {CONNECTION_LABEL[connection]}
        </output>
        <span>
          {rows.length.toLocaleString("en-US")} {rows.length === 1 ? "line" : "lines"}
          {onlyMatches && query ? ` matching “${query}”` : ""}
          {paused && pending > 0 ? ` · paused, ${pending.toLocaleString("en-US")} new` : ""}
          {b.droppedCount > 0
            ? ` · the first ${b.droppedCount.toLocaleString("en-US")} lines are not kept here: download for the whole log`
            : ""}
        </span>
      </div>
      <section
        ref={scroller}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls with the keyboard.
        tabIndex={0}
        aria-label="Log lines"
        data-testid="log-lines"
        className="relative h-[65vh] min-h-64 overflow-auto rounded-b-lg bg-slate-950 font-mono text-xs text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-400"
      >
        {empty ? (
          <p className="p-4 text-slate-400">{empty}</p>
        ) : (
          <div style={{ height: win.totalHeight, position: "relative", minWidth: "100%" }}>
            <div style={{ position: "absolute", top: win.offsetTop, left: 0, right: 0 }}>
              {rows.slice(win.start, win.end).map((abs) => {
                const i = abs - b.droppedCount;
                return (
                  <LogRow
                    key={abs}
                    number={abs + 1}
                    text={b.text(i)}
                    stream={b.stream(i)}
                    time={showTimes ? b.time(i) : null}
                    query={query}
                  />
                );
              })}
            </div>
          </div>
        )}
      </section>
    </section>
  );
}

function LogRow({
  number,
  text,
  stream,
  time,
  query,
}: {
  number: number;
  text: string;
  stream: "stdout" | "stderr";
  time: number | null;
  query: string;
}) {
  const segments = highlightSegments(parseAnsi(text), query);
  return (
    <div
      className={clsx(
        "flex whitespace-pre border-l-2 pr-4",
        stream === "stderr" ? "border-rose-500 bg-rose-950/30" : "border-transparent",
      )}
      style={{ height: ROW_HEIGHT, lineHeight: `${ROW_HEIGHT}px` }}
    >
      <span aria-hidden="true" className="w-14 shrink-0 select-none pr-3 text-right text-slate-500">
        {number}
      </span>
      {time !== null ? (
        <span className="shrink-0 select-none pr-3 text-slate-400">{new Date(time).toISOString().slice(11, 23)}</span>
      ) : null}
      <span className="sr-only">{stream === "stderr" ? "STDERR: " : ""}</span>
      <span className="log-text">
        {segments.map((s, j) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder.
            key={j}
            className={clsx(s.mark && "rounded-sm bg-amber-300 text-slate-950")}
            style={
              s.mark
                ? undefined
                : {
                    color: s.style.inverse ? (s.style.bg ?? "#020617") : s.style.fg,
                    backgroundColor: s.style.inverse ? (s.style.fg ?? "#f1f5f9") : s.style.bg,
                    fontWeight: s.style.bold ? 700 : undefined,
                    opacity: s.style.dim ? 0.7 : undefined,
                    fontStyle: s.style.italic ? "italic" : undefined,
                    textDecoration: s.style.underline ? "underline" : undefined,
                  }
            }
          >
            {s.text}
          </span>
        ))}
      </span>
    </div>
  );
}

import clsx from "clsx";
import type { Connection } from "./use-log-stream";

const CONNECTION_LABEL: Record<Connection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Finished: all output shown",
  error: "Disconnected; retrying…",
};

/** The stream's state as a dot and its words; `endedLabel` words the end for a view that shows only part of the log. */
export function StreamState({ connection, endedLabel }: { connection: Connection; endedLabel?: string }) {
  return (
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
      {connection === "ended" && endedLabel ? endedLabel : CONNECTION_LABEL[connection]}
    </output>
  );
}

/** Why a view of the attempt's output has no line to show, when the attempt has none (yet). */
export function noOutputText({
  started,
  connection,
  removed = false,
}: {
  started: boolean;
  connection: Connection;
  removed?: boolean;
}): string {
  if (!started) return "Waiting for the job to start; its output will appear here.";
  if (connection !== "ended") return "No output yet.";
  return removed
    ? "This job's output has been deleted under the organization's log retention or its log-bytes quota."
    : "This attempt wrote nothing to STDOUT or STDERR.";
}

/** The stream's state, and how many lines the view holds (matching, waiting while paused, dropped). */
export function LogStatus({
  connection,
  shown,
  matching,
  pending,
  dropped,
}: {
  connection: Connection;
  shown: number;
  /** The search the lines are filtered by, if they are. */
  matching: string | null;
  /** Lines that arrived while paused. */
  pending: number;
  /** Lines the browser no longer keeps (the download has them). */
  dropped: number;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-xs text-slate-600">
      <StreamState connection={connection} />
      <span>
        {shown.toLocaleString("en-US")} {shown === 1 ? "line" : "lines"}
        {matching ? ` matching “${matching}”` : ""}
        {pending > 0 ? ` · paused, ${pending.toLocaleString("en-US")} new` : ""}
        {dropped > 0
          ? ` · the first ${dropped.toLocaleString("en-US")} lines are not kept here: download for the whole log`
          : ""}
      </span>
    </div>
  );
}

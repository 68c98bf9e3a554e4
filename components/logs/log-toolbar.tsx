import { Button } from "@/components/ui/button";

export type StreamChoice = "both" | "stdout" | "stderr";

/** The view's options: each changes what is shown of the same buffer, not what is read. */
export interface LogViewOptions {
  search: string;
  onlyMatches: boolean;
  stream: StreamChoice;
  showTimes: boolean;
  follow: boolean;
  paused: boolean;
}

const checkbox = "size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500";

/**
 * Search, filters, follow, pause, and the download of the whole log as the view shows it. Once
 * the stream has ended (`ended`: every line is in), Follow and Pause have nothing left to do and
 * are disabled; a view paused at the end keeps Resume, to show the lines that came meanwhile.
 */
export function LogToolbar({
  options: o,
  onChange,
  onTogglePause,
  downloadHref,
  ended,
}: {
  options: LogViewOptions;
  onChange: (patch: Partial<Omit<LogViewOptions, "paused">>) => void;
  onTogglePause: () => void;
  downloadHref: string;
  ended: boolean;
}) {
  const ends = ended ? "The attempt has ended: no more lines will come." : undefined;
  return (
    <div className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-4 py-3">
      <div className="min-w-48 flex-1">
        <label htmlFor="log-search" className="mb-1 block text-xs font-medium text-slate-600">
          Search
        </label>
        <input
          id="log-search"
          type="search"
          value={o.search}
          onChange={(e) => onChange({ search: e.target.value })}
          placeholder="Text to find"
          className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none"
        />
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={o.onlyMatches}
          onChange={(e) => onChange({ onlyMatches: e.target.checked })}
          className={checkbox}
        />
        Only matching lines
      </label>
      <div>
        <label htmlFor="log-stream" className="mb-1 block text-xs font-medium text-slate-600">
          Stream
        </label>
        <select
          id="log-stream"
          value={o.stream}
          onChange={(e) => onChange({ stream: e.target.value as StreamChoice })}
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
          checked={o.showTimes}
          onChange={(e) => onChange({ showTimes: e.target.checked })}
          className={checkbox}
        />
        Timestamps (UTC)
      </label>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={o.follow}
          disabled={ended}
          title={ends}
          onChange={(e) => onChange({ follow: e.target.checked })}
          className={checkbox}
        />
        <span className={ended ? "text-slate-500" : undefined}>Follow</span>
      </label>
      <Button
        variant="secondary"
        onClick={onTogglePause}
        aria-pressed={o.paused}
        disabled={ended && !o.paused}
        title={ended && !o.paused ? ends : undefined}
      >
        {o.paused ? "Resume" : "Pause"}
      </Button>
      <a
        href={downloadHref}
        className="inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
        download
      >
        Download
      </a>
    </div>
  );
}

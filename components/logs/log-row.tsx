import clsx from "clsx";
import { highlightSegments, parseAnsi } from "./lib/ansi";

export const ROW_HEIGHT = 18;

/** One line: its number, its time if shown, and its text with ANSI colours and search marks. */
export function LogRow({
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

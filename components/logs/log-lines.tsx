"use client";

// The scrolling list of lines: only the rows in view are rendered (visibleWindow), so a million
// lines scroll like fifty. Follow keeps the newest line in view and turns itself off when the
// reader scrolls up.
import clsx from "clsx";
import { type UIEvent, useEffect, useRef, useState } from "react";
import type { LogBuffer } from "./lib/log-buffer";
import { visibleWindow } from "./lib/virtual-window";
import { LogRow, ROW_HEIGHT } from "./log-row";

export function LogLines({
  buffer: b,
  rows,
  tick,
  empty,
  showTimes,
  query,
  follow,
  onStopFollowing,
  label = "Log lines",
  heightClass = "h-[65vh] min-h-64",
}: {
  buffer: LogBuffer;
  /** Absolute line numbers to show, in order. */
  rows: readonly number[];
  /** Moves when the buffer grew. */
  tick: number;
  /** Why there is nothing to show, when there is nothing. */
  empty: string | null;
  showTimes: boolean;
  query: string;
  follow: boolean;
  onStopFollowing: () => void;
  /** The scrolling region's accessible name. */
  label?: string;
  /** The region's height: most of the screen in the viewer, less where the lines are a tail. */
  heightClass?: string;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const scroller = useRef<HTMLElement>(null);
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
    if (el.scrollTop < lastTop.current - 1 && follow) onStopFollowing();
    lastTop.current = el.scrollTop;
  };

  return (
    <section
      ref={scroller}
      onScroll={onScroll}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls with the keyboard.
      tabIndex={0}
      aria-label={label}
      data-testid="log-lines"
      className={clsx(
        "relative overflow-auto rounded-b-lg bg-slate-950 font-mono text-xs text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-400",
        heightClass,
      )}
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
  );
}

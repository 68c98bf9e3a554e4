"use client";

import clsx from "clsx";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A box whose content may be wider than the screen (a table on a phone). While it is wider, the
 * box is a labelled region that takes keyboard focus (arrow keys scroll it: WCAG 2.1.1, axe's
 * scrollable-region-focusable), a shadow marks the side more lies on, and a line under it says
 * "Scroll sideways for more". The server renders it focusable, since it cannot measure; once
 * measured, a box that fits leaves the tab order.
 */
export function ScrollRegion({
  label,
  children,
  className,
}: {
  label: string;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflow, setOverflow] = useState<{ left: boolean; right: boolean } | null>(null);
  useEffect(() => {
    const box = ref.current;
    if (!box) return;
    const measure = () =>
      setOverflow({
        left: box.scrollLeft > 1,
        right: box.scrollLeft + box.clientWidth < box.scrollWidth - 1,
      });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    if (box.firstElementChild) observer.observe(box.firstElementChild);
    box.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      box.removeEventListener("scroll", measure);
    };
  }, []);
  const scrolls = overflow === null || overflow.left || overflow.right;
  return (
    <div className={clsx("relative", className)}>
      <div
        ref={ref}
        className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        data-overflowing={overflow ? String(overflow.left || overflow.right) : undefined}
        {...(scrolls ? { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls sideways)` } : {})}
      >
        {children}
      </div>
      {overflow?.left ? (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-y-0 left-0 w-6 bg-gradient-to-r from-slate-900/10 to-transparent"
        />
      ) : null}
      {overflow?.right ? (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-y-0 right-0 w-6 bg-gradient-to-l from-slate-900/10 to-transparent"
        />
      ) : null}
      {overflow && (overflow.left || overflow.right) ? (
        <p className="mt-1 text-right text-xs text-slate-600" data-testid="scroll-hint">
          Scroll sideways for more {overflow.right ? "→" : "←"}
        </p>
      ) : null}
    </div>
  );
}

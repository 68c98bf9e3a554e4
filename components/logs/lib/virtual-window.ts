// Which rows of a fixed-row-height list to render for a scroll position, and where. Only the
// rows in view (plus a few either side) exist in the DOM, so a million-line log scrolls like a
// short one.
//
// Browsers cap an element's height (Chromium near 33.5 million px), so past MAX_SCROLL_PX the
// scroll range is compressed: the scroll fraction picks the first row, and rows are still drawn
// at their true height from there.

export const MAX_SCROLL_PX = 15_000_000;

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  overscan?: number;
}

export interface VisibleWindow {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last to render (exclusive). */
  end: number;
  /** Where row `start` goes, in px from the top of the scroll content. */
  offsetTop: number;
  /** Height to give the scroll content. */
  totalHeight: number;
}

export function scrollHeightFor(count: number, rowHeight: number): number {
  return Math.min(count * rowHeight, MAX_SCROLL_PX);
}

export function visibleWindow({
  scrollTop,
  viewportHeight,
  rowHeight,
  count,
  overscan = 10,
}: WindowInput): VisibleWindow {
  const totalHeight = scrollHeightFor(count, rowHeight);
  if (count === 0 || viewportHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight };
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const top = Math.max(0, Math.min(scrollTop, maxScroll));
  const inView = Math.ceil(viewportHeight / rowHeight) + 1;
  // Row under the top of the viewport, as a fraction (exact when nothing is compressed).
  let first: number;
  if (count * rowHeight <= MAX_SCROLL_PX) first = top / rowHeight;
  else {
    const lastFirst = Math.max(0, count - viewportHeight / rowHeight);
    first = maxScroll === 0 ? 0 : (top / maxScroll) * lastFirst;
  }
  const firstRow = Math.floor(first);
  const start = Math.max(0, firstRow - overscan);
  const end = Math.min(count, firstRow + inView + overscan);
  // Row `firstRow` sits (first − firstRow) rows above the viewport's top edge.
  const firstRowTop = top - (first - firstRow) * rowHeight;
  return { start, end, offsetTop: firstRowTop - (firstRow - start) * rowHeight, totalHeight };
}

/** The scrollTop that shows row `index` at the top (for "jump to" and follow). */
export function scrollTopFor(
  index: number,
  { viewportHeight, rowHeight, count }: Omit<WindowInput, "scrollTop">,
): number {
  const totalHeight = scrollHeightFor(count, rowHeight);
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  if (count * rowHeight <= MAX_SCROLL_PX) return Math.min(index * rowHeight, maxScroll);
  const lastFirst = Math.max(0, count - viewportHeight / rowHeight);
  return lastFirst === 0 ? 0 : Math.min(maxScroll, (index / lastFirst) * maxScroll);
}

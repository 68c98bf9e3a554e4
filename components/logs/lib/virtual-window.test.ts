import { describe, expect, it } from "vitest";
import { MAX_SCROLL_PX, scrollTopFor, visibleWindow } from "./virtual-window";

describe("visibleWindow", () => {
  it("renders the rows in view plus the overscan, positioned at their true offset", () => {
    const w = visibleWindow({ scrollTop: 200, viewportHeight: 100, rowHeight: 20, count: 1_000, overscan: 2 });
    expect(w).toEqual({ start: 8, end: 18, offsetTop: 160, totalHeight: 20_000 });
  });

  it("clamps at both ends and handles an empty list", () => {
    expect(visibleWindow({ scrollTop: -50, viewportHeight: 100, rowHeight: 20, count: 3, overscan: 5 })).toEqual({
      start: 0,
      end: 3,
      offsetTop: 0,
      totalHeight: 60,
    });
    const bottom = visibleWindow({ scrollTop: 1e9, viewportHeight: 100, rowHeight: 20, count: 1_000, overscan: 0 });
    expect(bottom.end).toBe(1_000);
    expect(bottom.offsetTop + (bottom.end - bottom.start) * 20).toBeGreaterThanOrEqual(20_000);
    expect(visibleWindow({ scrollTop: 0, viewportHeight: 100, rowHeight: 20, count: 0 }).end).toBe(0);
  });

  it("compresses a scroll range past the browser's height limit and still reaches the last row", () => {
    const count = 2_000_000;
    const input = { viewportHeight: 400, rowHeight: 18, count, overscan: 0 };
    const top = visibleWindow({ ...input, scrollTop: 0 });
    expect(top.totalHeight).toBe(MAX_SCROLL_PX);
    expect(top.start).toBe(0);
    const bottom = visibleWindow({ ...input, scrollTop: MAX_SCROLL_PX - 400 });
    expect(bottom.end).toBe(count);
    // The last row's bottom edge is the bottom of the scroll content.
    expect(bottom.offsetTop + (bottom.end - bottom.start) * 18).toBeCloseTo(MAX_SCROLL_PX, 0);
    const middle = visibleWindow({ ...input, scrollTop: (MAX_SCROLL_PX - 400) / 2 });
    expect(Math.abs(middle.start - count / 2)).toBeLessThan(30);
  });

  it("scrollTopFor puts a row at the top, inverse of visibleWindow", () => {
    const input = { viewportHeight: 400, rowHeight: 18, count: 2_000_000, overscan: 0 };
    for (const row of [0, 12_345, 1_000_000, 1_999_970]) {
      const w = visibleWindow({ ...input, scrollTop: scrollTopFor(row, input) });
      expect(Math.abs(w.start - row)).toBeLessThanOrEqual(1);
    }
    expect(scrollTopFor(10, { viewportHeight: 100, rowHeight: 20, count: 1_000 })).toBe(200);
  });
});

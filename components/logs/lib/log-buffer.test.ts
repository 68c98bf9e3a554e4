import { describe, expect, it } from "vitest";
import type { JobLogEvent } from "@/lib/logs/get-log-events";
import { FilteredView, LogBuffer } from "./log-buffer";

const ev = (seq: number, message: string, stream: "stdout" | "stderr" = "stdout", partial = false): JobLogEvent => ({
  seq,
  message,
  stream,
  timestamp: 1_000 + seq,
  ...(partial ? { partial: true as const } : {}),
});
const lines = (b: LogBuffer) => Array.from({ length: b.length }, (_, i) => b.text(i));

describe("LogBuffer resume", () => {
  it("skips events already applied when a reconnect resends them, and keeps the last token", () => {
    const b = new LogBuffer();
    expect(b.append([ev(1, "a"), ev(2, "b")], "10")).toBe(2);
    // The connection dropped after "b"; the server resent from an older token.
    expect(b.append([ev(2, "b"), ev(3, "c")], "11")).toBe(1);
    expect(b.append([ev(1, "a")], null)).toBe(0);
    expect(lines(b)).toEqual(["a", "b", "c"]);
    expect(b.lastToken).toBe("11");
    expect(b.lastSeq).toBe(3);
  });

  it("joins a line written across two chunks, even with the other stream in between", () => {
    const b = new LogBuffer();
    b.append([ev(1, "hel", "stdout", true), ev(2, "warn", "stderr")]);
    b.append([ev(3, "lo", "stdout", true), ev(4, " world", "stdout"), ev(5, "next")]);
    expect(lines(b)).toEqual(["hello world", "warn", "next"]);
    expect(b.stream(1)).toBe("stderr");
    expect(b.time(0)).toBe(1_001);
  });

  it("drops the oldest lines in blocks past its capacity and keeps indexes absolute", () => {
    const b = new LogBuffer(100);
    b.append(Array.from({ length: 150 }, (_, i) => ev(i, `l${i}`)));
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b.droppedCount + b.length).toBe(150);
    expect(b.text(b.length - 1)).toBe("l149");
    expect(b.text(0)).toBe(`l${b.droppedCount}`);
    expect(b.absolute(0)).toBe(b.droppedCount);
  });
});

describe("FilteredView", () => {
  it("keeps only matching lines of the chosen stream, scanning only what is new", () => {
    const b = new LogBuffer();
    const view = new FilteredView({ stream: "both", query: "err" });
    b.append([ev(1, "ok"), ev(2, "ERROR one", "stderr"), ev(3, "fine")]);
    expect(view.update(b)).toEqual([1]);
    b.append([ev(4, "another error")]);
    expect(view.update(b)).toEqual([1, 3]);
    const stderrOnly = new FilteredView({ stream: "stderr", query: "" });
    expect(stderrOnly.update(b)).toEqual([1]);
  });

  it("rescans a line whose second half arrived and now matches", () => {
    const b = new LogBuffer();
    const view = new FilteredView({ stream: "both", query: "done" });
    b.append([ev(1, "all do", "stdout", true)]);
    expect(view.update(b)).toEqual([]);
    b.append([ev(2, "ne")]);
    expect(view.update(b)).toEqual([0]);
  });

  it("forgets lines the buffer dropped", () => {
    const b = new LogBuffer(10);
    const view = new FilteredView({ stream: "both", query: "" });
    b.append(Array.from({ length: 10 }, (_, i) => ev(i, `l${i}`)));
    expect(view.update(b)).toHaveLength(10);
    b.append([ev(10, "l10")]);
    const shown = view.update(b);
    expect(shown[0]).toBe(b.droppedCount);
    expect(shown).toHaveLength(b.length);
  });
});

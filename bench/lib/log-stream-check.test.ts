import { describe, expect, it } from "vitest";
import type { JobLogEvent } from "@/lib/logs/get-log-events";
import { encodeRuns, sseMessage } from "@/lib/logs/sse";
import { NumberedLineCheck, SseParser } from "./log-stream-check";

const batch = (events: JobLogEvent[]) => JSON.stringify({ runs: encodeRuns(events) });
const line = (n: number, seq: number, partial?: true): JobLogEvent => ({
  timestamp: 1,
  stream: "stdout",
  message: `line ${n}`,
  seq,
  ...(partial ? { partial } : {}),
});

describe("SseParser", () => {
  it("splits events across arbitrary network chunks and skips comments", () => {
    const text =
      sseMessage({ retryMs: 1000, data: { a: 1 } }) +
      ": keep-alive\n\n" +
      sseMessage({ id: "42", data: { runs: [] } }) +
      sseMessage({ event: "end", data: { attempt: 1 } });
    const p = new SseParser();
    const out = [...text].flatMap((ch) => p.push(ch));
    expect(out).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "message", id: "42", data: '{"runs":[]}' },
      { event: "end", data: '{"attempt":1}' },
    ]);
  });
});

describe("NumberedLineCheck", () => {
  it("accepts 1..N once each, in order, with a line split across chunks", () => {
    const c = new NumberedLineCheck();
    c.accept(batch([line(1, 10), line(2, 11)]));
    c.accept(batch([{ ...line(3, 20), message: "line", partial: true }]));
    c.accept(batch([{ ...line(3, 30), message: " 3" }, line(4, 31)]));
    expect(c.complete(4)).toBe(true);
    expect(c.lines).toBe(4);
  });

  it("counts a gap as lost and a resent batch as repeated", () => {
    const c = new NumberedLineCheck();
    c.accept(batch([line(1, 10), line(2, 11)]));
    c.accept(batch([line(2, 11)]));
    c.accept(batch([line(5, 12)]));
    expect(c.repeated).toBe(1);
    expect(c.lost).toBe(2);
    expect(c.complete(5)).toBe(false);
  });

  it("is incomplete when the stream ends before the last line", () => {
    const c = new NumberedLineCheck();
    c.accept(batch([line(1, 10)]));
    expect(c.complete(2)).toBe(false);
  });

  it("counts a line that is not the job's", () => {
    const c = new NumberedLineCheck();
    c.accept(batch([{ ...line(1, 10), message: "hello" }]));
    expect(c.foreign).toBe(1);
  });
});

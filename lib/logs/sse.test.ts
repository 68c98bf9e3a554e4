import { describe, expect, it } from "vitest";
import type { JobLogEvent } from "./get-log-events";
import { decodeRuns, encodeRuns, resumeToken, sseHeartbeat, sseMessage } from "./sse";

describe("SSE framing", () => {
  it("writes id, event and one data line, ending with a blank line", () => {
    expect(sseMessage({ id: "42", data: { events: [{ message: "a\nb" }] } })).toBe(
      'id: 42\ndata: {"events":[{"message":"a\\nb"}]}\n\n',
    );
    expect(sseMessage({ event: "end", data: {}, retryMs: 1000 })).toBe("retry: 1000\nevent: end\ndata: {}\n\n");
    expect(sseHeartbeat().startsWith(":")).toBe(true);
  });

  it("resumes from Last-Event-ID first, then ?after=, and ignores anything that is not a token", () => {
    expect(resumeToken("17", "3")).toBe("17");
    expect(resumeToken(null, "3")).toBe("3");
    expect(resumeToken("", "3")).toBe("3");
    expect(resumeToken("f/1-2", undefined)).toBeUndefined();
    expect(resumeToken("a.eyJ0IjoiZi8xLTIiLCJuIjoyfQ", undefined)).toBe("a.eyJ0IjoiZi8xLTIiLCJuIjoyfQ");
    expect(resumeToken("a.not base64", "3")).toBeUndefined();
    expect(resumeToken(null, undefined)).toBeUndefined();
  });
});

describe("wire runs", () => {
  const ev = (seq: number, message: string, timestamp = 5, stream: "stdout" | "stderr" = "stdout", partial = false) =>
    ({ seq, message, timestamp, stream, ...(partial ? { partial: true } : {}) }) as JobLogEvent;

  it("groups consecutive lines of one chunk and round-trips exactly", () => {
    const events = [
      ev(10, "a"),
      ev(11, "b"),
      ev(12, "half", 5, "stdout", true),
      ev(20, "err", 6, "stderr"),
      ev(30, "c", 7),
      ev(32, "gap in sequence", 7),
    ];
    const runs = encodeRuns(events);
    expect(runs).toEqual([
      [5, 0, 10, ["a", "b", "half"], 1],
      [6, 1, 20, ["err"], 0],
      [7, 0, 30, ["c"], 0],
      [7, 0, 32, ["gap in sequence"], 0],
    ]);
    expect(decodeRuns(runs)).toEqual(events);
    expect(decodeRuns(encodeRuns([]))).toEqual([]);
  });

  it("never extends a run past a partial line", () => {
    const events = [ev(1, "x", 5, "stdout", true), ev(2, "y", 5)];
    expect(encodeRuns(events)).toHaveLength(2);
    expect(decodeRuns(encodeRuns(events))).toEqual(events);
  });
});

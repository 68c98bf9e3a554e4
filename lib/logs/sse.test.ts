import { describe, expect, it } from "vitest";
import { resumeToken, sseHeartbeat, sseMessage } from "./sse";

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
    expect(resumeToken(null, undefined)).toBeUndefined();
  });
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { LogCapture } from "./log-capture";

function pipes(cap: number) {
  const capture = new LogCapture("job-1", 2, cap);
  const out = new PassThrough();
  const err = new PassThrough();
  capture.attach("stdout", out);
  capture.attach("stderr", err);
  const end = async () => {
    out.end();
    err.end();
    await capture.ended();
  };
  return { capture, out, err, end };
}

const text = (rows: { stream: string; data: string }[], stream: string) =>
  rows
    .filter((r) => r.stream === stream)
    .map((r) => r.data)
    .join("");

describe("LogCapture", () => {
  it("keeps the streams apart, in order, with per-stream seq and first-byte timestamps", async () => {
    const { capture, out, err, end } = pipes(1 << 20);
    out.write("a1\n");
    err.write("e1\n");
    await new Promise((r) => setImmediate(r));
    const first = capture.take();
    out.write("a2\n");
    await end();
    const rows = [...first, ...capture.take()];
    expect(text(rows, "stdout")).toBe("a1\na2\n");
    expect(text(rows, "stderr")).toBe("e1\n");
    expect(rows.filter((r) => r.stream === "stdout").map((r) => r.seq)).toEqual([0, 1]);
    expect(rows.every((r) => r.jobId === "job-1" && r.attempt === 2 && r.timestamp > 0)).toBe(true);
  });

  it("does not split a multi-byte character across chunks", async () => {
    const { capture, out, end } = pipes(1 << 20);
    const bytes = Buffer.from("héllo", "utf8");
    out.write(bytes.subarray(0, 2));
    await new Promise((r) => setImmediate(r));
    const first = capture.take();
    out.write(bytes.subarray(2));
    await end();
    expect(text([...first, ...capture.take()], "stdout")).toBe("héllo");
  });

  it("stores every byte of a large burst, cutting it into bounded chunks", async () => {
    const { capture, out, end } = pipes(64 << 20);
    const line = `${"x".repeat(99)}\n`;
    for (let i = 0; i < 50_000; i++) out.write(line);
    await end();
    const rows = capture.take();
    expect(text(rows, "stdout").length).toBe(5_000_000);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
  });

  it("replaces NUL bytes, which PostgreSQL text cannot store", async () => {
    const { capture, out, end } = pipes(1 << 20);
    out.write(Buffer.from([0x61, 0x00, 0x62]));
    await end();
    expect(text(capture.take(), "stdout")).toBe("a\uFFFDb");
  });

  it("drops output past the cap and says so once", async () => {
    const { capture, out, err, end } = pipes(10);
    out.write("0123456789abcdef");
    err.write("more");
    await end();
    const rows = capture.take();
    expect(text(rows, "stdout")).toMatch(/^0123456789\n\[batchdeck\] output truncated: .*10-byte log limit\n$/);
    expect(text(rows, "stderr")).toBe("");
    expect(capture.bytesCaptured).toBe(10);
  });
});

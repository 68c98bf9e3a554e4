import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { completeUtf8, LogCapture, type LogChunkRow, type StreamName } from "./log-capture";
import { ensureLogsDir, logFiles } from "./log-files";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function files(cap: number, resume?: ConstructorParameters<typeof LogCapture>[0]["resume"]) {
  const dir = mkdtempSync(join(tmpdir(), "log-capture-"));
  dirs.push(dir);
  ensureLogsDir(dir);
  const paths = logFiles(dir, "job-1", 2);
  writeFileSync(paths.stdout, "");
  writeFileSync(paths.stderr, "");
  const capture = new LogCapture({ jobId: "job-1", attempt: 2, capBytes: cap, files: paths, resume });
  await capture.open();
  const write = (stream: StreamName, data: string | Buffer) => appendFileSync(paths[stream], data);
  return { capture, write, paths };
}

const text = (rows: { stream: string; data: string }[], stream: string) =>
  rows
    .filter((r) => r.stream === stream)
    .map((r) => r.data)
    .join("");

/** Takes chunks until the following capture has read `expected` on each stream. */
async function takeUntil(capture: LogCapture, expected: Partial<Record<StreamName, string>>) {
  const rows: LogChunkRow[] = [];
  await vi.waitFor(
    () => {
      rows.push(...capture.take());
      for (const [stream, data] of Object.entries(expected)) expect(text(rows, stream)).toBe(data);
    },
    { timeout: 20_000, interval: 5 },
  );
  return rows;
}

describe("LogCapture", () => {
  it("keeps the streams apart, in order, with per-stream seq, first-byte timestamps and file offsets", async () => {
    const { capture, write } = await files(1 << 20);
    capture.follow();
    write("stdout", "a1\n");
    write("stderr", "e1\n");
    const first = await takeUntil(capture, { stdout: "a1\n", stderr: "e1\n" });
    write("stdout", "a2\n");
    await capture.finish();
    const rows = [...first, ...capture.take()];
    expect(text(rows, "stdout")).toBe("a1\na2\n");
    expect(text(rows, "stderr")).toBe("e1\n");
    expect(rows.filter((r) => r.stream === "stdout").map((r) => [r.seq, r.fileOffset])).toEqual([
      [0, 3],
      [1, 6],
    ]);
    expect(rows.every((r) => r.jobId === "job-1" && r.attempt === 2 && r.timestamp > 0)).toBe(true);
  });

  it("does not split a multi-byte character across chunks, and the offset stops before it", async () => {
    const { capture, write } = await files(1 << 20);
    capture.follow();
    const bytes = Buffer.from("héllo", "utf8");
    write("stdout", bytes.subarray(0, 2));
    // Read while the character is incomplete: only what precedes it is taken.
    const first = await takeUntil(capture, { stdout: "h" });
    expect(first.map((r) => [r.data, r.fileOffset])).toEqual([["h", 1]]);
    write("stdout", bytes.subarray(2));
    await capture.finish();
    expect(text([...first, ...capture.take()], "stdout")).toBe("héllo");
  });

  it("finds the last complete UTF-8 character", () => {
    expect(completeUtf8(Buffer.from("ab"))).toBe(2);
    expect(completeUtf8(Buffer.from("a€").subarray(0, 3))).toBe(1);
    expect(completeUtf8(Buffer.from("a€"))).toBe(4);
    expect(completeUtf8(Buffer.from("a😀").subarray(0, 4))).toBe(1);
    expect(completeUtf8(Buffer.alloc(0))).toBe(0);
  });

  it("resumes after the stored offset and seq, with nothing repeated", async () => {
    const { capture, write } = await files(1 << 20, {
      stdout: { offset: 6, seq: 4 },
      stderr: { offset: 0, seq: 0 },
      truncated: false,
    });
    write("stdout", "line1\nline2\nli");
    write("stderr", "err\n");
    await capture.finish();
    const rows = capture.take();
    expect(text(rows, "stdout")).toBe("line2\nli");
    expect(rows.find((r) => r.stream === "stdout")).toMatchObject({ seq: 4, fileOffset: 14 });
    expect(text(rows, "stderr")).toBe("err\n");
  });

  it("stores every byte of a large burst, cutting it into bounded chunks", async () => {
    const { capture, write } = await files(64 << 20);
    const line = `${"x".repeat(99)}\n`;
    write("stdout", line.repeat(50_000));
    await capture.finish();
    const rows = capture.take();
    expect(text(rows, "stdout").length).toBe(5_000_000);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    expect(rows.at(-1)!.fileOffset).toBe(5_000_000);
  });

  it("replaces NUL bytes, which PostgreSQL text cannot store", async () => {
    const { capture, write } = await files(1 << 20);
    write("stdout", Buffer.from([0x61, 0x00, 0x62]));
    await capture.finish();
    expect(text(capture.take(), "stdout")).toBe("a\uFFFDb");
  });

  it("drops output past the cap, says so once, marks the chunks and empties the files", async () => {
    const { capture, write, paths } = await files(10);
    write("stdout", "0123456789abcdef");
    write("stderr", "more");
    await capture.finish();
    const rows = capture.take();
    expect(text(rows, "stdout")).toMatch(/^0123456789\n\[batchdeck\] output truncated: .*10-byte log limit\n$/);
    expect(text(rows, "stderr")).toBe("");
    expect(rows.every((r) => r.fileOffset === -1)).toBe(true);
    expect(capture.bytesCaptured).toBe(10);
    capture.dispose();
    expect(() => appendFileSync(paths.stdout, "", { flag: "r+" })).toThrow();
  });
});

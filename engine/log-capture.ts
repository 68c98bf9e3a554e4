// STDOUT and STDERR of one attempt, read separately and cut into chunks. A chunk is stamped
// with the time its first byte arrived and closed when it is large or when the writer takes
// it (so a running job's output reaches the database within a flush interval). Bytes past the
// attempt's cap are read and dropped, so a job can neither fill the disk nor block on a full
// pipe; one marker line records the truncation.

import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

export type StreamName = "stdout" | "stderr";

export interface LogChunkRow {
  jobId: string;
  attempt: number;
  stream: StreamName;
  seq: number;
  timestamp: number;
  data: string;
}

/** A chunk is closed at this many characters even if the writer has not come by. */
const MAX_CHUNK_CHARS = 256 * 1024;

class StreamBuffer {
  private decoder = new StringDecoder("utf8");
  private parts: string[] = [];
  private chars = 0;
  private firstByteAt = 0;
  private seq = 0;
  readonly closed: LogChunkRow[] = [];

  constructor(
    private readonly jobId: string,
    private readonly attempt: number,
    private readonly stream: StreamName,
  ) {}

  push(text: string, at: number) {
    if (text.length === 0) return;
    if (this.chars === 0) this.firstByteAt = at;
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= MAX_CHUNK_CHARS) this.cut();
  }

  write(buf: Buffer, at: number) {
    this.push(this.decoder.write(buf), at);
  }

  end(at: number) {
    this.push(this.decoder.end(), at);
    this.cut();
  }

  cut() {
    if (this.chars === 0) return;
    this.closed.push({
      jobId: this.jobId,
      attempt: this.attempt,
      stream: this.stream,
      seq: this.seq++,
      timestamp: this.firstByteAt,
      // PostgreSQL text cannot hold NUL; keep the position visible instead of failing the write.
      data: this.parts.join("").replaceAll("\u0000", "\uFFFD"),
    });
    this.parts = [];
    this.chars = 0;
  }
}

export class LogCapture {
  private readonly streams: Record<StreamName, StreamBuffer>;
  private bytes = 0;
  private truncated = false;
  private open = 0;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    jobId: string,
    attempt: number,
    private readonly capBytes: number,
  ) {
    this.streams = {
      stdout: new StreamBuffer(jobId, attempt, "stdout"),
      stderr: new StreamBuffer(jobId, attempt, "stderr"),
    };
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  attach(name: StreamName, source: Readable | null) {
    if (!source) return;
    this.open++;
    const buffer = this.streams[name];
    source.on("data", (chunk: Buffer) => this.onData(buffer, chunk));
    const finish = () => {
      buffer.end(Date.now());
      if (--this.open === 0) this.resolveDone();
    };
    source.once("close", finish);
  }

  /** Resolves when both pipes have closed (every byte has been read). */
  ended(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : this.done;
  }

  private onData(buffer: StreamBuffer, chunk: Buffer) {
    if (this.truncated) return;
    const at = Date.now();
    const room = this.capBytes - this.bytes;
    if (chunk.length <= room) {
      this.bytes += chunk.length;
      buffer.write(chunk, at);
      return;
    }
    if (room > 0) buffer.write(chunk.subarray(0, room), at);
    this.bytes = this.capBytes;
    this.truncated = true;
    buffer.push(`\n[batchdeck] output truncated: this attempt reached its ${this.capBytes}-byte log limit\n`, at);
  }

  get bytesCaptured(): number {
    return this.bytes;
  }

  /** Closes the open chunks and hands over everything not yet taken. */
  take(): LogChunkRow[] {
    const out: LogChunkRow[] = [];
    for (const s of Object.values(this.streams)) {
      s.cut();
      out.push(...s.closed.splice(0));
    }
    return out;
  }
}

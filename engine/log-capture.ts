// STDOUT and STDERR of one attempt, tailed from the attempt's files (log-files.ts) and cut
// into chunks. A chunk is stamped with the time its first byte was read and closed when it is
// large or when the writer takes it (so a running job's output reaches the database within a
// flush interval). Each chunk carries the byte offset in its file up to which the stored log
// reaches: bytes are only turned into text up to the last complete UTF-8 character, so that
// offset is exact and recovery (recovery.ts) resumes there with nothing lost or repeated.
//
// Past the attempt's cap nothing more is stored: one marker line records the truncation. A
// thread of its own keeps a running attempt's files within the cap from the start and empty
// once it is reached, so a job cannot fill the disk (log-guard.ts).

import { fstatSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type LogFiles, removeLogFiles } from "./log-files";
import { guardFiles, releaseFiles } from "./log-guard";

export type StreamName = "stdout" | "stderr";
export const STREAMS: StreamName[] = ["stdout", "stderr"];

export interface LogChunkRow {
  jobId: string;
  attempt: number;
  stream: StreamName;
  seq: number;
  timestamp: number;
  data: string;
  /** Bytes of the stream's file stored through this chunk; -1 once the cap was reached. */
  fileOffset: number;
}

/** Where a stream's stored log ends (recovery resumes an attempt's capture there). */
export interface StreamResume {
  offset: number;
  seq: number;
}

export interface CaptureOptions {
  jobId: string;
  attempt: number;
  capBytes: number;
  files: LogFiles;
  resume?: Record<StreamName, StreamResume> & { truncated: boolean };
}

/** A chunk is closed at this many characters even if the writer has not come by. */
const MAX_CHUNK_CHARS = 256 * 1024;
const READ_BYTES = 1 << 20;
/** Polling while the job is quiet; a poll that found a full read goes again at once. */
export const LOG_POLL_MS = 20;
const BUSY_POLL_MS = 1;

export const truncationMarker = (capBytes: number) =>
  `\n[batchdeck] output truncated: this attempt reached its ${capBytes}-byte log limit\n`;

/** Length of the longest prefix of `buf` that ends on a UTF-8 character boundary. */
export function completeUtf8(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= Math.max(0, n - 4); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > n ? i : n;
  }
  return n;
}

/** What a stream buffer needs of the capture it belongs to. */
export interface CaptureOwner {
  readonly jobId: string;
  readonly attempt: number;
  readonly truncated: boolean;
}

export class StreamBuffer {
  private parts: string[] = [];
  private chars = 0;
  private firstByteAt = 0;
  /** Bytes of the file read so far, and the incomplete character at their end. */
  readPos: number;
  pending: Buffer = Buffer.alloc(0);
  seq: number;
  handle: FileHandle | null = null;
  readonly closed: LogChunkRow[] = [];

  /**
   * Where the stored log reaches in a file both streams share (a container runtime's log): set by
   * that capture before each cut, since this stream's own byte count is not a file position there.
   */
  fileOffset: number | null = null;

  constructor(
    private readonly capture: CaptureOwner,
    readonly stream: StreamName,
    resume: StreamResume | undefined,
  ) {
    this.readPos = resume?.offset ?? 0;
    this.seq = resume?.seq ?? 0;
  }

  /** Bytes of the file turned into text so far. */
  get stored(): number {
    return this.readPos - this.pending.length;
  }

  push(text: string, at: number) {
    if (text.length === 0) return;
    if (this.chars === 0) this.firstByteAt = at;
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= MAX_CHUNK_CHARS) this.cut();
  }

  /** Bytes read from the file; `final`: no more will follow, an incomplete tail is decoded too. */
  bytes(buf: Buffer, at: number, final: boolean) {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, buf]) : buf;
    const keep = final ? data.length : completeUtf8(data);
    this.pending = Buffer.from(data.subarray(keep));
    this.push(data.subarray(0, keep).toString("utf8"), at);
  }

  cut() {
    if (this.chars === 0) return;
    this.closed.push({
      jobId: this.capture.jobId,
      attempt: this.capture.attempt,
      stream: this.stream,
      seq: this.seq++,
      timestamp: this.firstByteAt,
      // PostgreSQL text cannot hold NUL; keep the position visible instead of failing the write.
      data: this.parts.join("").replaceAll("\u0000", "\uFFFD"),
      fileOffset: this.capture.truncated ? -1 : (this.fileOffset ?? this.stored),
    });
    this.parts = [];
    this.chars = 0;
  }
}

export class LogCapture {
  readonly jobId: string;
  readonly attempt: number;
  private readonly capBytes: number;
  readonly files: LogFiles;
  private readonly streams: Record<StreamName, StreamBuffer>;
  private bytes: number;
  truncated: boolean;
  private polling: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private following = false;
  private opened = false;
  private guarded = false;

  constructor(o: CaptureOptions) {
    this.jobId = o.jobId;
    this.attempt = o.attempt;
    this.capBytes = o.capBytes;
    this.files = o.files;
    this.streams = {
      stdout: new StreamBuffer(this, "stdout", o.resume?.stdout),
      stderr: new StreamBuffer(this, "stderr", o.resume?.stderr),
    };
    this.bytes = (o.resume?.stdout.offset ?? 0) + (o.resume?.stderr.offset ?? 0);
    this.truncated = o.resume?.truncated ?? false;
  }

  /**
   * A running attempt's files: bounded by the guard thread from now on, before the job writes
   * (called once the files exist, before the job is spawned).
   */
  guard(): void {
    this.guarded = true;
    guardFiles(Object.values(this.files), this.truncated ? 0 : this.capBytes + 1);
  }

  /** Opens the files for reading (and for truncating past the cap); a missing file is empty. */
  async open(): Promise<void> {
    this.opened = true;
    for (const s of Object.values(this.streams)) {
      try {
        s.handle = await open(this.files[s.stream], "r+");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }

  /** Polls the files until finish(): often while output flows, every LOG_POLL_MS when quiet. */
  follow(): void {
    this.following = true;
    const next = (ms: number) => {
      if (!this.following) return;
      this.timer = setTimeout(() => {
        // A failed poll is tried again; finish() reports what still fails at the end.
        const poll = this.polling.then(() => this.readAll(false, 4)).catch(() => false);
        this.polling = poll;
        void poll.then((busy) => next(busy ? BUSY_POLL_MS : LOG_POLL_MS));
      }, ms);
    };
    // At once: a job that starts with a burst must not get a quiet period's head start.
    next(0);
  }

  /** Stops following and reads both files to their end; the child must be gone. */
  async finish(): Promise<void> {
    this.following = false;
    if (this.timer) clearTimeout(this.timer);
    // The job and everything it started are gone: the files no longer grow.
    if (this.guarded) releaseFiles(Object.values(this.files));
    if (!this.opened) return;
    await this.polling;
    this.polling = this.readAll(true, Number.POSITIVE_INFINITY);
    await this.polling;
    for (const s of Object.values(this.streams)) {
      await s.handle?.close();
      s.handle = null;
    }
  }

  /** Reads up to `rounds` buffers per stream; true if there may be more to read right away. */
  private async readAll(final: boolean, rounds: number): Promise<boolean> {
    let busy = false;
    for (const s of Object.values(this.streams)) {
      if (!s.handle) continue;
      // Past the cap the guard thread keeps the files empty (log-guard.ts); nothing is stored.
      if (this.truncated) continue;
      for (let round = 0; round < rounds && !this.truncated; round++) {
        // Only what the file holds past the read position, in a buffer of that size. Most polls
        // find nothing new: they cost one fstat and no allocation. (Reading into a fresh 1 MiB
        // buffer on every poll, 200 jobs × 2 streams × 50 polls a second, spent most of the
        // engine's CPU on allocation and garbage collection; bench/README.md.)
        const available = fstatSync(s.handle.fd).size - s.readPos;
        if (available <= 0) break;
        const want = Math.min(available, READ_BYTES);
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await s.handle.read(buf, 0, want, s.readPos);
        if (bytesRead === 0) break;
        s.readPos += bytesRead;
        this.takeBytes(s, bytesRead === want ? buf : buf.subarray(0, bytesRead), Date.now());
        if (bytesRead === READ_BYTES) busy = true;
        else break;
      }
      if (final && !this.truncated) s.bytes(Buffer.alloc(0), Date.now(), true);
    }
    return busy;
  }

  private takeBytes(s: StreamBuffer, chunk: Buffer, at: number) {
    const room = this.capBytes - this.bytes;
    if (chunk.length <= room) {
      this.bytes += chunk.length;
      s.bytes(chunk, at, false);
      return;
    }
    if (room > 0) s.bytes(chunk.subarray(0, room), at, true);
    this.bytes = this.capBytes;
    // Chunks cut from here on say so (-1): recovery must not resume past the cap.
    this.truncated = true;
    if (this.guarded) guardFiles(Object.values(this.files), 0);
    s.push(truncationMarker(this.capBytes), at);
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

  /** Once the last chunks are stored: the files go. */
  dispose(): void {
    removeLogFiles(this.files);
  }
}

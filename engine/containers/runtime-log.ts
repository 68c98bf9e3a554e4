// A container's STDOUT and STDERR as the runtime's log relay (conmon for Podman, the daemon for
// Docker) writes them to one file: entries tagged by stream and timestamped by the relay. The
// relay, not the engine, keeps the file bounded (`max-size`: it starts a new file by renaming
// over the old one), and it keeps writing while the engine is down. The engine tails the file
// into the same chunks the process executor stores (log-capture.ts), each stamped with the
// relay's time of its first entry, and stores exactly `capBytes` bytes of output, then a marker.
//
//   Podman k8s-file:  2026-12-06T15:58:46.298232391+00:00 stdout F text      (F: the line ends
//                     here; P: a partial line, no newline; the relay splits long lines)
//   Docker json-file: {"log":"text\n","stream":"stdout","time":"2026-12-06T15:58:46.2982Z"}
//
// Rotation: the engine holds the file open, so a file the relay renamed away is still read to its
// end before the new one is opened; a flood that rotates twice within one poll loses the middle
// file (the relay's bound wins over completeness). Each chunk's `fileOffset` is the position in
// the file up to which that stream is stored, so a restarted engine re-reads from the lower of the
// two streams' positions and skips what each already has.
import { fstatSync, rmSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import {
  type CaptureOwner,
  LOG_POLL_MS,
  type LogChunkRow,
  STREAMS,
  StreamBuffer,
  type StreamName,
  type StreamResume,
  truncationMarker,
} from "../log-capture";

export type RuntimeLogFormat = "k8s-file" | "json-file";

export interface RuntimeLogEntry {
  stream: StreamName;
  /** Milliseconds since the epoch, from the relay's timestamp. */
  time: number;
  payload: Buffer;
}

const SPACE = 0x20;

/** One line of the file (without its newline), or null when it is not an entry. */
export function parseEntry(format: RuntimeLogFormat, line: Buffer): RuntimeLogEntry | null {
  if (format === "json-file") {
    try {
      const e = JSON.parse(line.toString("utf8")) as { log?: unknown; stream?: unknown; time?: unknown };
      if (typeof e.log !== "string" || (e.stream !== "stdout" && e.stream !== "stderr")) return null;
      const time = typeof e.time === "string" ? Date.parse(e.time) : Number.NaN;
      return { stream: e.stream, time: Number.isNaN(time) ? Date.now() : time, payload: Buffer.from(e.log, "utf8") };
    } catch {
      return null;
    }
  }
  const a = line.indexOf(SPACE);
  const b = a < 0 ? -1 : line.indexOf(SPACE, a + 1);
  if (b < 0) return null;
  const stream = line.subarray(a + 1, b).toString("latin1");
  if (stream !== "stdout" && stream !== "stderr") return null;
  // The tag field may be followed by the payload or end the line (an empty partial entry).
  let c = line.indexOf(SPACE, b + 1);
  if (c < 0) c = line.length;
  const full =
    line
      .subarray(b + 1, c)
      .toString("latin1")
      .split(":")[0] === "F";
  const text = line.subarray(Math.min(c + 1, line.length));
  const time = Date.parse(line.subarray(0, a).toString("latin1"));
  return {
    stream,
    time: Number.isNaN(time) ? Date.now() : time,
    payload: full ? Buffer.concat([text, Buffer.from("\n")]) : Buffer.from(text),
  };
}

export interface RuntimeLogOptions {
  jobId: string;
  attempt: number;
  capBytes: number;
  path: string;
  format: RuntimeLogFormat;
  /** After an engine restart: where each stream's stored log ends, and the bytes stored. */
  resume?: Record<StreamName, StreamResume> & { truncated: boolean; bytes: number };
}

const READ_BYTES = 1 << 20;

export class RuntimeLogCapture implements CaptureOwner {
  readonly jobId: string;
  readonly attempt: number;
  readonly path: string;
  truncated: boolean;
  private readonly capBytes: number;
  private readonly format: RuntimeLogFormat;
  private readonly streams: Record<StreamName, StreamBuffer>;
  /** Per stream: entries ending at or before this position were stored before a restart. */
  private readonly skipThrough: Record<StreamName, number>;
  private bytes: number;
  private handle: FileHandle | null = null;
  private ino = 0;
  /** Read position in the open file, and the start of the line not yet complete. */
  private readPos = 0;
  private partial: Buffer = Buffer.alloc(0);
  private polling: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private following = false;
  /** The relay started a new file since this capture opened the first one. */
  rotations = 0;

  constructor(o: RuntimeLogOptions) {
    this.jobId = o.jobId;
    this.attempt = o.attempt;
    this.path = o.path;
    this.capBytes = o.capBytes;
    this.format = o.format;
    this.truncated = o.resume?.truncated ?? false;
    this.bytes = o.resume?.bytes ?? 0;
    this.streams = {
      stdout: new StreamBuffer(this, "stdout", o.resume?.stdout),
      stderr: new StreamBuffer(this, "stderr", o.resume?.stderr),
    };
    this.skipThrough = { stdout: o.resume?.stdout.offset ?? 0, stderr: o.resume?.stderr.offset ?? 0 };
    // Re-read from the lower of the two positions; each stream skips what it already has.
    this.readPos = Math.min(this.skipThrough.stdout, this.skipThrough.stderr);
    for (const s of STREAMS) this.streams[s].fileOffset = this.skipThrough[s];
  }

  /** Opens the file if the relay has created it; false while it does not exist yet. */
  private async openFile(): Promise<boolean> {
    if (this.handle) return true;
    try {
      this.handle = await open(this.path, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    const size = fstatSync(this.handle.fd).size;
    this.ino = fstatSync(this.handle.fd).ino;
    if (size < this.readPos) {
      // A new file since the stored positions were taken (rotated while the engine was down):
      // what the relay dropped is gone; say so and read the new file from its start.
      this.note(`\n[batchdeck] part of this attempt's output was lost: the container runtime rotated its log\n`);
      this.readPos = 0;
      this.skipThrough.stdout = 0;
      this.skipThrough.stderr = 0;
    }
    return true;
  }

  private note(text: string) {
    if (this.truncated) return;
    this.streams.stderr.push(text, Date.now());
  }

  /** Polls the file until finish(): at once while output flows, every LOG_POLL_MS when quiet. */
  follow(): void {
    this.following = true;
    const next = (ms: number) => {
      if (!this.following) return;
      this.timer = setTimeout(() => {
        const poll = this.polling.then(() => this.readAll(4)).catch(() => false);
        this.polling = poll;
        void poll.then((busy) => next(busy ? 1 : LOG_POLL_MS));
      }, ms);
    };
    next(0);
  }

  /** The container has ended (the relay has closed the file): read it to its end. */
  async finish(): Promise<void> {
    this.following = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    this.polling = this.readAll(Number.POSITIVE_INFINITY);
    await this.polling;
    // A partial entry at the very end (the relay was cut off mid-line) is kept as it is.
    if (this.partial.length > 0 && !this.truncated) {
      const entry = parseEntry(this.format, this.partial);
      if (entry) this.take1(entry, this.readPos);
      this.partial = Buffer.alloc(0);
    }
    for (const s of STREAMS) if (!this.truncated) this.streams[s].bytes(Buffer.alloc(0), Date.now(), true);
    await this.handle?.close();
    this.handle = null;
  }

  /** Reads up to `rounds` buffers; true if there may be more right away. */
  private async readAll(rounds: number): Promise<boolean> {
    if (this.truncated) {
      // Nothing more is stored: let go of the file, so a file the relay rotated away is freed.
      await this.handle?.close();
      this.handle = null;
      return false;
    }
    if (!(await this.openFile())) return false;
    for (let round = 0; round < rounds && !this.truncated; round++) {
      const handle = this.handle!;
      const available = fstatSync(handle.fd).size - this.readPos;
      if (available <= 0) {
        // At the end of this file: if the relay has started a new one, move to it.
        if (await this.rotated()) continue;
        return false;
      }
      const want = Math.min(available, READ_BYTES);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, this.readPos);
      if (bytesRead === 0) return false;
      this.lines(buf.subarray(0, bytesRead));
      if (bytesRead < READ_BYTES) return false;
    }
    return !this.truncated;
  }

  /** True (and the new file open) when the path now names another file than the one held. */
  private async rotated(): Promise<boolean> {
    let ino: number;
    try {
      ino = statSync(this.path).ino;
    } catch {
      return false;
    }
    if (ino === this.ino) return false;
    await this.handle?.close();
    this.handle = null;
    this.rotations++;
    this.readPos = 0;
    this.partial = Buffer.alloc(0);
    this.skipThrough.stdout = 0;
    this.skipThrough.stderr = 0;
    return this.openFile();
  }

  /** Splits what was read into complete lines; the incomplete rest waits for the next read. */
  private lines(buf: Buffer) {
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, buf]) : buf;
    let lineStart = this.readPos - this.partial.length;
    this.readPos += buf.length;
    for (;;) {
      const nl = data.indexOf(0x0a);
      if (nl < 0) break;
      const end = lineStart + nl + 1;
      const entry = parseEntry(this.format, data.subarray(0, nl));
      if (entry) this.take1(entry, end);
      if (this.truncated) break;
      data = data.subarray(nl + 1);
      lineStart = end;
    }
    this.partial = this.truncated ? Buffer.alloc(0) : Buffer.from(data);
  }

  private take1(entry: RuntimeLogEntry, end: number) {
    const s = this.streams[entry.stream];
    if (end <= this.skipThrough[entry.stream]) return;
    s.fileOffset = end;
    const room = this.capBytes - this.bytes;
    if (entry.payload.length <= room) {
      this.bytes += entry.payload.length;
      s.bytes(entry.payload, entry.time, false);
      return;
    }
    if (room > 0) s.bytes(entry.payload.subarray(0, room), entry.time, true);
    this.bytes = this.capBytes;
    this.truncated = true;
    s.push(truncationMarker(this.capBytes), entry.time);
  }

  get bytesCaptured(): number {
    return this.bytes;
  }

  take(): LogChunkRow[] {
    const out: LogChunkRow[] = [];
    for (const s of STREAMS) {
      this.streams[s].cut();
      out.push(...this.streams[s].closed.splice(0));
    }
    return out;
  }

  /** Once the last chunks are stored: the file goes (the relay has closed it with the container). */
  dispose(): void {
    rmSync(this.path, { force: true });
  }
}

// The log viewer's lines, kept compactly in the browser and fed from a stream that may drop and
// resume. Pure (no React, no DOM) so the resume rules are unit-tested:
//   - an event whose sequence number is not above the last one applied was already shown (a
//     reconnect resent it) and is skipped, so a resumed stream adds no repeats;
//   - the last token received is kept, to resume after it (SSE Last-Event-ID, or ?after=);
//   - a line the process wrote across two chunks (`partial`) is joined with the rest of it,
//     which arrives as the next event of the same stream;
//   - past `capacity` lines the oldest are dropped in blocks (the download has the whole log).
// Texts live in one array; stream, time and sequence in typed arrays grown by doubling.
import type { JobLogEvent } from "@/lib/logs/get-log-events";

export const DEFAULT_CAPACITY = 1_000_000;

export class LogBuffer {
  private texts: string[] = [];
  private streams = new Uint8Array(1024);
  private times = new Float64Array(1024);
  /** Lines dropped from the front; line `i` (absolute) sits at `i - dropped`. */
  private dropped = 0;
  /** Absolute index of the line still open for each stream (0 stdout, 1 stderr), or -1. */
  private open: [number, number] = [-1, -1];
  lastSeq = -1;
  lastToken: string | null = null;
  /** Bumped by every append that changed anything; views compare it with what they saw. */
  version = 0;
  /** Recent joins as [version, absolute line]: views rescan a line whose text grew. */
  private joins: [number, number][] = [];
  private joinsFrom = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  /** Lines held. */
  get length(): number {
    return this.texts.length;
  }

  /** Lines dropped from the front to stay within capacity. */
  get droppedCount(): number {
    return this.dropped;
  }

  text(i: number): string {
    return this.texts[i] ?? "";
  }

  stream(i: number): "stdout" | "stderr" {
    return this.streams[i] === 1 ? "stderr" : "stdout";
  }

  time(i: number): number {
    return this.times[i] ?? 0;
  }

  /**
   * Apply one batch from the stream; `token` is the position after it. Returns the number of
   * lines that were not seen before.
   */
  append(events: readonly JobLogEvent[], token?: string | null): number {
    let added = 0;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      added++;
      const s = e.stream === "stderr" ? 1 : 0;
      const openAt = this.open[s];
      if (openAt >= this.dropped) {
        const i = openAt - this.dropped;
        this.texts[i] += e.message;
        this.joins.push([this.version + 1, openAt]);
      } else {
        this.push(e.message, s, e.timestamp);
      }
      this.open[s] = e.partial ? (openAt >= this.dropped ? openAt : this.dropped + this.texts.length - 1) : -1;
    }
    if (token != null) this.lastToken = token;
    if (added > 0) this.version++;
    if (this.joins.length > 1_000) {
      const cut = this.joins.length - 500;
      this.joinsFrom = (this.joins[cut - 1] as [number, number])[0];
      this.joins.splice(0, cut);
    }
    this.trim();
    return added;
  }

  /**
   * The first line (absolute) rewritten by a join after `version`, Infinity if none, or -1
   * when the record of joins no longer reaches that far back (rescan everything).
   */
  rewrittenSince(version: number): number {
    if (version < this.joinsFrom) return -1;
    let first = Number.POSITIVE_INFINITY;
    for (let k = this.joins.length - 1; k >= 0; k--) {
      const [v, line] = this.joins[k] as [number, number];
      if (v <= version) break;
      first = Math.min(first, line);
    }
    return first;
  }

  private push(text: string, stream: number, time: number) {
    const n = this.texts.length;
    if (n === this.streams.length) {
      const streams = new Uint8Array(n * 2);
      streams.set(this.streams);
      this.streams = streams;
      const times = new Float64Array(n * 2);
      times.set(this.times);
      this.times = times;
    }
    this.texts.push(text);
    this.streams[n] = stream;
    this.times[n] = time;
  }

  private trim() {
    if (this.texts.length <= this.capacity) return;
    // Drop a tenth at once so trimming is not a copy per line.
    const cut = this.texts.length - this.capacity + Math.floor(this.capacity / 10);
    this.texts.splice(0, cut);
    this.streams.copyWithin(0, cut);
    this.times.copyWithin(0, cut);
    this.dropped += cut;
  }

  /** Absolute index (stable across trims) of the line held at `i`. */
  absolute(i: number): number {
    return this.dropped + i;
  }
}

export interface LineFilter {
  stream: "stdout" | "stderr" | "both";
  /** Show only lines containing this (case-insensitive); empty shows all. */
  query: string;
}

/**
 * The indexes (absolute) of the lines a filter shows, kept up to date as lines arrive: only
 * lines not scanned yet are looked at, plus any a join rewrote.
 */
export class FilteredView {
  private matches: number[] = [];
  private scanned = 0;
  private seen = 0;

  constructor(
    private readonly filter: LineFilter,
    private readonly plain: (text: string) => string = (t) => t,
  ) {}

  /** Bring the view up to date with the buffer and return the matching line indexes (absolute). */
  update(buffer: LogBuffer): readonly number[] {
    const first = buffer.droppedCount;
    const rewritten = buffer.rewrittenSince(this.seen);
    this.seen = buffer.version;
    if (rewritten < this.scanned) {
      this.scanned = Math.max(0, rewritten);
      while (this.matches.length && (this.matches[this.matches.length - 1] as number) >= this.scanned)
        this.matches.pop();
    }
    if (this.matches.length && (this.matches[0] as number) < first) {
      const keep = this.matches.findIndex((m) => m >= first);
      this.matches.splice(0, keep === -1 ? this.matches.length : keep);
    }
    const q = this.filter.query.toLowerCase();
    for (let abs = Math.max(this.scanned, first); abs < first + buffer.length; abs++) {
      const i = abs - first;
      if (this.filter.stream !== "both" && buffer.stream(i) !== this.filter.stream) continue;
      if (q && !this.plain(buffer.text(i)).toLowerCase().includes(q)) continue;
      this.matches.push(abs);
    }
    this.scanned = first + buffer.length;
    return this.matches;
  }
}

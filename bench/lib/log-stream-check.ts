// What one load-test "browser" does with a job's live log: parse the Server-Sent Events as they
// arrive, rebuild whole lines from the runs (a line may be split across chunks, marked partial),
// and check that the job's numbered lines ("line 1", "line 2", …) arrive exactly once, in order,
// across reconnects. Kept free of I/O so it is unit-tested (log-stream-check.test.ts).
import { decodeRuns, type WireRun } from "@/lib/logs/sse";

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Incremental SSE parser: feed text as it arrives, get the complete events out. */
export class SseParser {
  private pending = "";

  push(text: string): SseEvent[] {
    this.pending += text.replace(/\r\n?/g, "\n");
    const out: SseEvent[] = [];
    for (let end = this.pending.indexOf("\n\n"); end !== -1; end = this.pending.indexOf("\n\n")) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const e: SseEvent = { event: "message", data: "" };
      let hasData = false;
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") e.event = value;
        else if (field === "id") e.id = value;
        else if (field === "data") {
          e.data = hasData ? `${e.data}\n${value}` : value;
          hasData = true;
        }
      }
      if (hasData) out.push(e);
    }
    return out;
  }
}

/** The line a load job prints for number `n`. */
export const loadLine = (n: number) => `line ${n}`;

/**
 * Follows one job's numbered lines. `lost` counts numbers skipped, `repeated` lines that came
 * again (or out of order), `foreign` lines that are not the job's; `seq` must only grow, even
 * across reconnects, since a resumed stream starts strictly after the last id received.
 */
export class NumberedLineCheck {
  /** The next number expected. */
  next = 1;
  lost = 0;
  repeated = 0;
  foreign = 0;
  lines = 0;
  private lastSeq = -1;
  private partial = "";

  /** One `message` event's data (`{ runs }`). */
  accept(data: string) {
    const { runs } = JSON.parse(data) as { runs: WireRun[] };
    for (const e of decodeRuns(runs)) {
      if (e.seq <= this.lastSeq) {
        this.repeated++;
        continue;
      }
      this.lastSeq = e.seq;
      if (e.partial) {
        this.partial += e.message;
        continue;
      }
      const text = this.partial + e.message;
      this.partial = "";
      const m = /^line (\d+)$/.exec(text);
      if (!m) {
        this.foreign++;
        continue;
      }
      const n = Number(m[1]);
      this.lines++;
      if (n === this.next) this.next++;
      else if (n > this.next) {
        this.lost += n - this.next;
        this.next = n + 1;
      } else this.repeated++;
    }
  }

  /** After `end`: every one of `total` lines received once, nothing else. */
  complete(total: number): boolean {
    return this.next === total + 1 && this.lost === 0 && this.repeated === 0 && this.foreign === 0 && !this.partial;
  }
}

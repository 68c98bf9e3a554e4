import type { JobLogEvent } from "./get-log-events";

// Server-Sent Events framing for the live log stream (lib so it is unit-tested without Next).
// A batch carries `id:` = the forward token after it, so the browser's EventSource sends it
// back as Last-Event-ID when it reconnects and the stream resumes exactly after that batch.

/** One SSE message; multi-line data is split into data: lines as the spec requires. */
export function sseMessage(opts: { event?: string; id?: string; data: unknown; retryMs?: number }): string {
  let out = "";
  if (opts.retryMs !== undefined) out += `retry: ${opts.retryMs}\n`;
  if (opts.event) out += `event: ${opts.event}\n`;
  if (opts.id !== undefined) out += `id: ${opts.id}\n`;
  // JSON has no raw newlines, so this is one data: line.
  out += `data: ${JSON.stringify(opts.data)}\n\n`;
  return out;
}

/** A comment line: ignored by EventSource, keeps proxies from closing an idle connection. */
export const sseHeartbeat = (): string => ": keep-alive\n\n";

/**
 * Where to resume: Last-Event-ID from a reconnecting EventSource wins over ?after=. A token is
 * the built-in reader's digits or the AWS backend's "a." + base64url (lib/backends/aws/logs.ts);
 * anything else is ignored and the stream starts from the head.
 */
export function resumeToken(lastEventId: string | null, after: string | undefined): string | undefined {
  const candidate = lastEventId?.trim() || after;
  return candidate && /^(\d{1,15}|a\.[A-Za-z0-9_-]{1,3000})$/.test(candidate) ? candidate : undefined;
}

/**
 * Lines travel in runs: consecutive lines of one chunk share its stamp and stream and have
 * consecutive sequence numbers, so a run is [timestamp, stream (0 stdout, 1 stderr), first
 * sequence, lines, last line partial (0/1)]. A 200,000-line log is a tenth the size of one
 * JSON object per line.
 */
export type WireRun = [number, 0 | 1, number, string[], 0 | 1];

export function encodeRuns(events: readonly JobLogEvent[]): WireRun[] {
  const runs: WireRun[] = [];
  let last: WireRun | undefined;
  let lastSeq = Number.NaN;
  for (const e of events) {
    const stream = e.stream === "stderr" ? 1 : 0;
    if (last && last[4] === 0 && last[0] === e.timestamp && last[1] === stream && e.seq === lastSeq + 1) {
      last[3].push(e.message);
    } else {
      last = [e.timestamp, stream, e.seq, [e.message], 0];
      runs.push(last);
    }
    if (e.partial) last[4] = 1;
    lastSeq = e.seq;
  }
  return runs;
}

export function decodeRuns(runs: readonly WireRun[]): JobLogEvent[] {
  const events: JobLogEvent[] = [];
  for (const [timestamp, stream, seq, lines, partial] of runs) {
    lines.forEach((message, i) => {
      const e: JobLogEvent = { timestamp, stream: stream === 1 ? "stderr" : "stdout", message, seq: seq + i };
      if (partial === 1 && i === lines.length - 1) e.partial = true;
      events.push(e);
    });
  }
  return events;
}

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

/** Where to resume: Last-Event-ID from a reconnecting EventSource wins over ?after=. */
export function resumeToken(lastEventId: string | null, after: string | undefined): string | undefined {
  const candidate = lastEventId?.trim() || after;
  return candidate && /^\d{1,15}$/.test(candidate) ? candidate : undefined;
}

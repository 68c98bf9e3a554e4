"use client";

// A job attempt's output as it arrives: Server-Sent Events into a LogBuffer, which drops what a
// reconnect resends. The component re-renders at most once a frame however fast batches come
// (`tick` moves when the buffer grew).
import { useCallback, useEffect, useRef, useState } from "react";
import { decodeRuns, type WireRun } from "@/lib/logs/sse";
import { LogBuffer } from "./lib/log-buffer";

const RETRY_MS = 1_000;

export type Connection = "connecting" | "live" | "reconnecting" | "ended" | "error";

/** `capacity`: the most lines the browser keeps (a tail keeps a few hundred; the viewer the default). */
export function useLogStream(jobId: string, attempt: number | null, { capacity }: { capacity?: number } = {}) {
  const [buffer] = useState(() => new LogBuffer(capacity));
  const [tick, setTick] = useState(0);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [started, setStarted] = useState(attempt !== null);

  const frame = useRef(0);
  const refresh = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setTick((t) => t + 1);
    });
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const open = () => {
      const params = new URLSearchParams();
      if (attempt !== null) params.set("attempt", String(attempt));
      if (buffer.lastToken) params.set("after", buffer.lastToken);
      source = new EventSource(`/api/jobs/${encodeURIComponent(jobId)}/logs/stream?${params}`);
      source.onopen = () => setConnection("live");
      source.onmessage = (e: MessageEvent<string>) => {
        const { runs } = JSON.parse(e.data) as { runs: WireRun[] };
        if (buffer.append(decodeRuns(runs), e.lastEventId || null) > 0) refresh();
      };
      source.addEventListener("attempt", (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { attempt: number | null };
        setStarted(data.attempt !== null);
      });
      source.addEventListener("end", () => {
        done = true;
        source?.close();
        setConnection("ended");
      });
      // Any break: close and reopen ourselves from the last token applied (?after=), rather
      // than rely on the browser's reconnect sending Last-Event-ID (the server honours both).
      source.onerror = () => {
        if (done || !source) return;
        setConnection(source.readyState === EventSource.CLOSED ? "error" : "reconnecting");
        source.close();
        retry = setTimeout(open, RETRY_MS);
      };
    };
    open();
    return () => {
      done = true;
      clearTimeout(retry);
      source?.close();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [jobId, attempt, refresh, buffer]);

  return { buffer, tick, connection, started };
}

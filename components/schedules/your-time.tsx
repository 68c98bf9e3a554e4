"use client";

import { useEffect, useState } from "react";
import { timeIn } from "./format";

/**
 * The browser's own time zone. Only the browser knows it, so the server renders a dash and the
 * zone arrives once the page is hydrated (the two renders never disagree).
 */
function useBrowserZone(): string | null {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"), []);
  return zone;
}

/** The column header: "Your time (Europe/Paris)". */
export function YourTimeHeader() {
  const zone = useBrowserZone();
  return <>Your time{zone ? ` (${zone})` : ""}</>;
}

/** `ms` in the viewer's time zone. */
export function YourTime({ ms }: { ms: number }) {
  const zone = useBrowserZone();
  return (
    <time dateTime={new Date(ms).toISOString()} className="whitespace-nowrap">
      {zone ? timeIn(ms, zone) : "—"}
    </time>
  );
}

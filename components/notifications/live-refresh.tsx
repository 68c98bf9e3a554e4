"use client";

import { useRouter } from "next/navigation";
import { useEffect, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { refreshIntervals } from "@/lib/query-keys";

/**
 * Renders the page again on the server: on a click, and every `live` interval while `active`
 * (deliveries still pending), so the log shows them go out without a reload. What is typed in
 * the page's forms survives a refresh.
 */
export function LiveRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => router.refresh(), refreshIntervals.live);
    return () => clearInterval(id);
  }, [active, router]);
  return (
    <Button variant="secondary" onClick={() => start(() => router.refresh())} disabled={pending} aria-busy={pending}>
      {pending ? "Refreshing…" : "Refresh"}
    </Button>
  );
}

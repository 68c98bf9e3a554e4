"use client";

// The console's error boundary: whatever a page failed on, say so in plain words and offer to
// try again (retry re-fetches the page from the server). In production Next sends the browser
// no message for a server-side failure, only a digest that matches the server log; pages turn
// the failures they expect (the backend unreachable, no permission, not found) into their own
// message first (lib/console/backend-page.ts), so this is for the unexpected.
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";

export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <>
      <PageHeader title="This page could not be shown" />
      <Card>
        <div role="alert" className="space-y-3 text-sm text-slate-700">
          <p>Something went wrong while loading this page. Trying again often helps if the problem was brief.</p>
          {digest ? (
            <p className="text-xs text-slate-500">
              Reference for the server log: <code className="font-mono">{digest}</code>
            </p>
          ) : null}
          <Button onClick={() => retry()}>Try again</Button>
        </div>
      </Card>
    </>
  );
}

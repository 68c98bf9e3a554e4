"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "./button";

/** Renders the current page again on the server (router.refresh), showing progress meanwhile. */
export function RetryButton() {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button onClick={() => start(() => router.refresh())} disabled={pending} aria-busy={pending}>
      {pending ? "Trying again…" : "Try again"}
    </Button>
  );
}

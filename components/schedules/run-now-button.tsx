"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { type RunNowResult, runScheduleNowAction } from "@/app/(console)/job-schedules/actions";
import { Button } from "@/components/ui/button";
import { FireStatus } from "@/lib/automation/statuses";
import { jobHref } from "./paths";

/**
 * "Run now": one fire outside the timetable. Shows what came of it beside the button: the job
 * it submitted, or why it submitted none (the backend's refusal, the overlap policy). The
 * action's revalidatePath brings the page's new last fire and history with the response.
 */
export function RunNowButton({ groupName, name }: { groupName: string; name: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<RunNowResult | { status: "ERROR"; reason: string } | null>(null);
  const run = () =>
    start(async () => {
      try {
        const r = await runScheduleNowAction({ groupName, name });
        setResult(r.ok ? r.data : { status: "ERROR", reason: r.error });
      } catch {
        setResult({ status: "ERROR", reason: "Could not reach the server. Please try again." });
      }
    });
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      {result?.status === FireStatus.SUBMITTED ? (
        <output className="text-left text-xs text-emerald-800">
          Submitted{" "}
          <Link href={jobHref(result.jobId)} className="font-mono text-indigo-700 hover:underline">
            {result.jobId}
          </Link>
        </output>
      ) : result ? (
        <span role="alert" className="max-w-md text-left text-xs text-red-700">
          {result.status === FireStatus.SKIPPED ? "Skipped: " : ""}
          {result.reason}
        </span>
      ) : null}
      <Button variant="secondary" disabled={pending} aria-label={`Run now: ${name}`} onClick={run}>
        {pending ? "Running…" : "Run now"}
      </Button>
    </span>
  );
}

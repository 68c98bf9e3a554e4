"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { resubmitFailedChildrenAction } from "@/app/(console)/jobs/[jobId]/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

const AWS_NOTE =
  "Not available on AWS Batch: it numbers an array's children from 0, so the failed children could not keep their indexes. Use Submit again for the whole array.";

/**
 * "Submit failed children again" on a finished array with failed children: a new array of
 * only those children, each with its index; the new job's page opens. On AWS the button is
 * shown disabled with the reason.
 */
export function ResubmitFailedChildren({
  jobId,
  failed,
  builtin,
}: {
  jobId: string;
  /** How many children failed. */
  failed: number;
  builtin: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = () =>
    startTransition(async () => {
      setError(null);
      const result = await resubmitFailedChildrenAction({ jobId });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      router.push(`/jobs/${encodeURIComponent(result.data.jobId)}`);
    });
  const label = `Submit ${failed} failed ${failed === 1 ? "child" : "children"} again`;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={submit} disabled={!builtin || pending} aria-describedby={`${jobId}-refail-note`}>
          {pending ? "Submitting…" : label}
        </Button>
        <p id={`${jobId}-refail-note`} className="text-xs text-slate-600">
          {builtin
            ? "A new array job of only the failed children, each keeping its index, with this job's definition revision, queue and overrides."
            : AWS_NOTE}
        </p>
      </div>
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}

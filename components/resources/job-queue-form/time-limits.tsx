"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { controlClass, FieldErrors } from "@/components/ui/field";
import type { JobQueueFormValues } from "@/lib/console/job-queue-values";

type TimeLimit = JobQueueFormValues["timeLimits"][number];

/** jobStateTimeLimitActions: cancel a job that stays RUNNABLE past a limit, with a reason. */
export function TimeLimits({
  limits,
  errors,
  onChange,
}: {
  limits: TimeLimit[];
  errors?: string[];
  onChange: (limits: TimeLimit[]) => void;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={errors ? `${id}-tl-err` : undefined}>
      <legend className="mb-1 text-sm font-medium text-slate-700">Cancel jobs stuck RUNNABLE (optional)</legend>
      <p className="mb-2 text-xs text-slate-500">
        A job that stays RUNNABLE longer than the limit (600–86400 seconds) is cancelled with the reason given.
      </p>
      <div className="space-y-2">
        {limits.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <div key={i} className="flex flex-wrap items-center gap-2">
            <input
              aria-label={`Time limit ${i + 1} reason`}
              placeholder="Reason, e.g. MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
              className={`${controlClass} min-w-48 flex-[2]`}
              value={t.reason}
              onChange={(e) => onChange(limits.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)))}
            />
            <input
              aria-label={`Time limit ${i + 1} seconds`}
              placeholder="Seconds"
              inputMode="numeric"
              className={`${controlClass} w-28`}
              value={t.maxTimeSeconds}
              onChange={(e) => onChange(limits.map((x, j) => (j === i ? { ...x, maxTimeSeconds: e.target.value } : x)))}
            />
            <Button
              variant="ghost"
              aria-label={`Remove time limit ${i + 1}`}
              onClick={() => onChange(limits.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        ))}
      </div>
      <Button
        variant="secondary"
        className="mt-2"
        onClick={() => onChange([...limits, { reason: "", maxTimeSeconds: "3600" }])}
      >
        Add time limit
      </Button>
      <FieldErrors id={`${id}-tl-err`} errors={errors} />
    </fieldset>
  );
}

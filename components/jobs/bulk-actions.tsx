"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { resubmitJobsAction, stopJobsAction, stopJobsByFilterAction } from "@/app/(console)/jobs/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { JobFilterParams } from "@/lib/jobs/console-filter";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmDialog } from "./confirm-dialog";

export type BulkKind = "CANCEL" | "TERMINATE" | "RESUBMIT";

/** What a bulk action applies to: chosen jobs, or every job matching the list's filter. */
export type BulkTarget =
  | { mode: "ids"; jobIds: string[] }
  | { mode: "filter"; filter: JobFilterParams; count: number; capped: boolean; asOf: number };

const VERB: Record<BulkKind, string> = { CANCEL: "Cancel", TERMINATE: "Terminate", RESUBMIT: "Submit again" };

export const jobCount = (n: number, capped = false) =>
  `${capped ? "more than " : ""}${n.toLocaleString("en-US")} job${n === 1 && !capped ? "" : "s"}`;

/**
 * The confirmation and the call for cancel, terminate and submit again, on a selection or a
 * filter. The dialog names how many jobs it will touch ("Cancel 37 jobs?").
 */
export function BulkActionDialog({
  orgId,
  kind,
  target,
  onDone,
  onClose,
}: {
  orgId: string;
  kind: BulkKind | null;
  target: BulkTarget | null;
  onDone: (message: { tone: "success" | "error"; text: string }) => void;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("Stopped from the console");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (!kind || !target)
    return <ConfirmDialog open={false} title="" confirmLabel="" onConfirm={() => {}} onClose={onClose} />;
  const count = target.mode === "ids" ? target.jobIds.length : target.count;
  const capped = target.mode === "filter" && target.capped;
  const title = `${VERB[kind]} ${jobCount(count, capped)}?`;

  const run = () =>
    startTransition(async () => {
      setError(null);
      if (kind === "RESUBMIT") {
        const result = await resubmitJobsAction(
          target.mode === "ids" ? { jobIds: target.jobIds } : { filter: target.filter, asOf: target.asOf },
        );
        if (!result.ok) return setError(result.error);
        const { submitted, failed } = result.data;
        await queryClient.invalidateQueries({ queryKey: queryKeys.jobs(orgId) });
        onDone({
          tone: failed.length ? "error" : "success",
          text:
            `Submitted ${jobCount(submitted.length)} again.` +
            (failed.length ? ` ${jobCount(failed.length)} could not be: ${failed[0]?.message}` : ""),
        });
        return;
      }
      const result =
        target.mode === "ids"
          ? await stopJobsAction({ jobIds: target.jobIds, kind, reason })
          : await stopJobsByFilterAction({ filter: target.filter, asOf: target.asOf, kind, reason });
      if (!result.ok) return setError(result.fieldErrors?.reason?.join(" ") ?? result.error);
      const { stopped, refused, message } = result.data;
      await queryClient.invalidateQueries({ queryKey: queryKeys.jobs(orgId) });
      onDone({
        tone: refused ? "error" : "success",
        text:
          `${kind === "CANCEL" ? "Cancel" : "Terminate"} sent to ${jobCount(stopped)}.` +
          (refused ? ` ${jobCount(refused)} refused: ${message}` : ""),
      });
    });

  return (
    <ConfirmDialog
      open
      title={title}
      confirmLabel={VERB[kind]}
      tone={kind === "RESUBMIT" ? "primary" : "danger"}
      pending={pending}
      onConfirm={run}
      onClose={onClose}
    >
      <p className="text-sm text-slate-600">
        {kind === "CANCEL" &&
          "Jobs that have not started yet fail with your reason. Jobs already starting or running keep running."}
        {kind === "TERMINATE" &&
          "Jobs that have not started fail now; running jobs are stopped (SIGTERM, then SIGKILL) and fail."}
        {kind === "RESUBMIT" &&
          "Each job is submitted again as a new job with the same queue, definition, parameters and overrides (at most 100 at once; dependencies are not repeated)."}
      </p>
      {kind !== "RESUBMIT" ? (
        <div>
          <label htmlFor="bulk-reason" className="mb-1 block text-sm font-medium text-slate-700">
            Reason
          </label>
          <input
            id="bulk-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={1024}
            className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500"
          />
        </div>
      ) : null}
      {pending ? (
        <output className="block text-sm text-slate-600">Working through {jobCount(count, capped)}…</output>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
    </ConfirmDialog>
  );
}

/** The bulk actions; Cancel and Terminate only when `stop` (the caller may stop the selection). */
export function BulkButtons({
  disabled,
  stop,
  onChoose,
}: {
  disabled: boolean;
  stop: boolean;
  onChoose: (kind: BulkKind) => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      {stop ? (
        <>
          <Button variant="danger" disabled={disabled} onClick={() => onChoose("CANCEL")}>
            Cancel
          </Button>
          <Button variant="danger" disabled={disabled} onClick={() => onChoose("TERMINATE")}>
            Terminate
          </Button>
        </>
      ) : null}
      <Button variant="secondary" disabled={disabled} onClick={() => onChoose("RESUBMIT")}>
        Submit again
      </Button>
    </div>
  );
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, useTransition } from "react";
import { stopJobsAction } from "@/app/(console)/jobs/actions";
import { queryKeys } from "@/lib/query-keys";
import { ConfirmDialog } from "../confirm-dialog";

export type StopKind = "CANCEL" | "TERMINATE";
export type Notice = { tone: "success" | "error"; text: string };

/**
 * Cancelling or terminating one job: the kind chosen (the dialog is open while there is one),
 * the reason, and what the server answered, as a notice for the page. Every job view of the
 * organization is refreshed afterwards, whatever the answer.
 */
export function useStopJob(orgId: string, jobId: string) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<StopKind | null>(null);
  const [reason, setReason] = useState("Stopped from the console");
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pending, startTransition] = useTransition();

  const stop = () =>
    startTransition(async () => {
      if (!kind) return;
      const result = await stopJobsAction({ jobIds: [jobId], kind, reason });
      setKind(null);
      if (!result.ok) {
        setNotice({ tone: "error", text: result.fieldErrors?.reason?.join(" ") ?? result.error });
      } else if (result.data.refused) {
        setNotice({ tone: "error", text: result.data.message ?? "The job could not be stopped." });
      } else {
        setNotice({
          tone: "success",
          text: kind === "CANCEL" ? "Cancel requested." : "Terminate requested: the job stops in a moment.",
        });
      }
      await queryClient.invalidateQueries({ queryKey: queryKeys.jobs(orgId) });
    });

  return { kind, choose: setKind, reason, setReason, notice, pending, stop };
}

export type StopJob = ReturnType<typeof useStopJob>;

/** "Cancel x?" / "Terminate x?": what the stop does to this job, and the reason to record. */
export function StopJobDialog({ stopJob, jobName, isArray }: { stopJob: StopJob; jobName: string; isArray: boolean }) {
  const { kind, choose, reason, setReason, pending, stop } = stopJob;
  return (
    <ConfirmDialog
      open={kind !== null}
      title={`${kind === "CANCEL" ? "Cancel" : "Terminate"} ${jobName}?`}
      confirmLabel={kind === "CANCEL" ? "Cancel job" : "Terminate job"}
      pending={pending}
      onConfirm={stop}
      onClose={() => choose(null)}
    >
      <p className="text-sm text-slate-600">
        {kind === "CANCEL"
          ? "If it has not started, it fails with your reason; if it is already starting or running, it keeps running."
          : "It fails now; if it is running, its process is stopped (SIGTERM, then SIGKILL)."}
        {isArray ? " Every child of the array is stopped too." : ""}
      </p>
      <div>
        <label htmlFor="stop-reason" className="mb-1 block text-sm font-medium text-slate-700">
          Reason
        </label>
        <input
          id="stop-reason"
          value={reason}
          maxLength={1024}
          onChange={(e) => setReason(e.target.value)}
          className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500"
        />
      </div>
    </ConfirmDialog>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ActionResult } from "@/lib/auth/operation";

/**
 * A button that runs one server action with a fixed input: enable, disable, delete,
 * deregister. With `confirm` it asks first, in the console's styled dialog (its title is the
 * button's accessible name as a question, `confirm` the sentence under it). The server's answer (AWS's rule and message when
 * it refuses) is shown beside the button. On success the action's revalidatePath brings the
 * page's new data back with the response, so nothing else is fetched.
 */
export function ActionButton<I>({
  action,
  input,
  label,
  pendingLabel,
  confirm,
  variant = "secondary",
  ariaLabel,
  thenGoTo,
}: {
  action: (input: I) => Promise<ActionResult<unknown>>;
  input: I;
  label: string;
  pendingLabel: string;
  confirm?: string;
  variant?: "primary" | "secondary" | "danger" | "ghost";
  ariaLabel?: string;
  /** Where to go once it succeeded, when the current page no longer exists (a deleted queue). */
  thenGoTo?: string;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const run = () => {
    setPending(true);
    action(input)
      .then((result) => {
        setError(result.ok ? null : result.error);
        if (result.ok && thenGoTo) router.push(thenGoTo);
      })
      .catch(() => setError("Could not reach the server. Please try again."))
      .finally(() => {
        setPending(false);
        setAsking(false);
      });
  };
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      {error ? (
        <span role="alert" className="max-w-md text-left text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        variant={variant}
        disabled={pending}
        aria-label={ariaLabel}
        onClick={() => (confirm ? setAsking(true) : run())}
      >
        {pending ? pendingLabel : label}
      </Button>
      {confirm ? (
        <ConfirmDialog
          open={asking}
          title={`${ariaLabel ?? label}?`}
          confirmLabel={label}
          tone={variant === "danger" ? "danger" : "primary"}
          pending={pending}
          onConfirm={run}
          onClose={() => setAsking(false)}
        >
          <p className="text-sm text-slate-700">{confirm}</p>
        </ConfirmDialog>
      ) : null}
    </span>
  );
}

/**
 * Enable or Disable (whichever the state calls for), then Delete after asking: what a compute
 * environment and a job queue both offer, on their rows and on their own pages (where a delete
 * goes back to the list, `thenGoTo`).
 */
export function StateAndDeleteButtons<S, D>({
  name,
  state,
  setState,
  remove,
  thenGoTo,
}: {
  name: string;
  state: string;
  setState: { action: (input: S) => Promise<ActionResult<unknown>>; input: (state: "ENABLED" | "DISABLED") => S };
  remove: { action: (input: D) => Promise<ActionResult<unknown>>; input: D; confirm: string };
  thenGoTo?: string;
}) {
  const disable = state === "ENABLED";
  const label = disable ? "Disable" : "Enable";
  return (
    <>
      <ActionButton
        action={setState.action}
        input={setState.input(disable ? "DISABLED" : "ENABLED")}
        label={label}
        pendingLabel={disable ? "Disabling…" : "Enabling…"}
        ariaLabel={`${label} ${name}`}
      />
      <ActionButton
        action={remove.action}
        input={remove.input}
        label="Delete"
        pendingLabel="Deleting…"
        variant="danger"
        ariaLabel={`Delete ${name}`}
        thenGoTo={thenGoTo}
        confirm={remove.confirm}
      />
    </>
  );
}

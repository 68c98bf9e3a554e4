"use client";

import { useState, useTransition } from "react";
import { rotateSecretAction, sendTestEventAction } from "@/app/(console)/notifications/actions";
import { ConfirmDialog } from "@/components/jobs/confirm-dialog";
import { Button } from "@/components/ui/button";
import { SecretDialog } from "./secret-dialog";
import { SigningSecret } from "./signing-secret";

const UNREACHABLE = "Could not reach the server. Please try again.";

/**
 * "Rotate secret": asked first, then the new signing secret in a dialog of its own, shown this
 * once; closing the dialog forgets it.
 */
export function RotateSecretButton({ name, snippet }: { name: string; snippet: string }) {
  const [pending, start] = useTransition();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = () =>
    start(async () => {
      try {
        const r = await rotateSecretAction({ name });
        setAsking(false);
        if (r.ok) setSecret(r.data.signingSecret);
        else setError(r.error);
      } catch {
        setAsking(false);
        setError(UNREACHABLE);
      }
    });
  return (
    <>
      {error ? (
        <span role="alert" className="max-w-md text-left text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`Rotate secret of ${name}`}
        onClick={() => {
          setError(null);
          setAsking(true);
        }}
      >
        Rotate secret
      </Button>
      {asking ? (
        <ConfirmDialog
          open
          title={`Rotate the signing secret of ${name}?`}
          confirmLabel="Rotate secret"
          dismissLabel="Cancel"
          tone="primary"
          pending={pending}
          onConfirm={rotate}
          onClose={() => setAsking(false)}
        >
          <p className="text-sm text-slate-600">
            Deliveries from now on are signed with the new secret; the current one stops working at once. Update your
            receiver as soon as you have copied it.
          </p>
        </ConfirmDialog>
      ) : null}
      {secret ? (
        <SecretDialog title={`New signing secret of ${name}`} onClose={() => setSecret(null)}>
          <SigningSecret name={name} secret={secret} snippet={snippet} />
        </SecretDialog>
      ) : null}
    </>
  );
}

/** "Send test event": a made-up FAILED job's event, queued to this endpoint alone. */
export function SendTestEventButton({ name }: { name: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ eventId: string } | { error: string } | null>(null);
  const send = () =>
    start(async () => {
      try {
        const r = await sendTestEventAction({ name });
        setResult(r.ok ? { eventId: r.data.eventId } : { error: r.error });
      } catch {
        setResult({ error: UNREACHABLE });
      }
    });
  return (
    <>
      {result && "eventId" in result ? (
        <output className="basis-full text-right text-xs text-emerald-800">
          Test event <span className="font-mono">{result.eventId}</span> queued: see the delivery log.
        </output>
      ) : result ? (
        <span role="alert" className="basis-full text-right text-xs text-red-700">
          {result.error}
        </span>
      ) : null}
      <Button variant="secondary" disabled={pending} aria-label={`Send test event to ${name}`} onClick={send}>
        {pending ? "Sending…" : "Send test event"}
      </Button>
    </>
  );
}

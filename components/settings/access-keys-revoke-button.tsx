"use client";

import { useState, useTransition } from "react";
import { revokeAccessKeyAction } from "@/app/(console)/settings/access-keys/actions";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export function RevokeAccessKeyButton({ accessKeyId }: { accessKeyId: string }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  return (
    <span className="inline-flex items-center gap-2">
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <Button
        variant="danger"
        disabled={pending}
        aria-label={`Revoke access key ${accessKeyId}`}
        onClick={() => setAsking(true)}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Revoke access key ${accessKeyId}?`}
        confirmLabel="Revoke"
        pending={pending}
        onClose={() => setAsking(false)}
        onConfirm={() =>
          start(async () => {
            const result = await revokeAccessKeyAction({ accessKeyId });
            setError(result.ok ? null : result.error);
            setAsking(false);
          })
        }
      >
        <p className="text-sm text-slate-700">Requests signed with it will be refused at once.</p>
      </ConfirmDialog>
    </span>
  );
}

"use client";

import { useState, useTransition } from "react";
import { deleteOrgSecretAction } from "@/app/(console)/settings/secrets/actions";
import { ConfirmDialog } from "@/components/jobs/confirm-dialog";
import { Alert } from "@/components/ui/alert";

export function SecretDeleteDialog({
  name,
  onClose,
  onDone,
}: {
  name: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmDialog
      open
      title={`Delete secret ${name}?`}
      confirmLabel="Delete secret"
      pending={pending}
      onClose={onClose}
      onConfirm={() => {
        setError(null);
        startTransition(async () => {
          const result = await deleteOrgSecretAction({ name });
          if (result.ok) return onDone();
          setError(result.error);
        });
      }}
    >
      <p className="text-sm text-slate-600">
        Jobs that ask for it and have not started yet will fail with ResourceInitializationError. This cannot be undone.
      </p>
      {error ? <Alert>{error}</Alert> : null}
    </ConfirmDialog>
  );
}

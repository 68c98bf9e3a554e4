"use client";

import { useState, useTransition } from "react";
import { putOrgSecretAction } from "@/app/(console)/settings/secrets/actions";
import { ConfirmDialog } from "@/components/jobs/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import type { OrgSecretSummary } from "@/lib/org-secrets/schemas";
import { SecretValueField } from "./secrets-value-field";

/** "Replace value": a new value (never the old one, which the browser does not have) and the description. */
export function SecretReplaceDialog({
  secret,
  onClose,
  onDone,
}: {
  secret: OrgSecretSummary;
  onClose: () => void;
  onDone: () => void;
}) {
  const [value, setValue] = useState("");
  const [description, setDescription] = useState(secret.description);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmDialog
      open
      title={`Replace the value of ${secret.name}`}
      confirmLabel="Replace value"
      dismissLabel="Cancel"
      tone="primary"
      pending={pending}
      onClose={onClose}
      onConfirm={() => {
        setError(null);
        startTransition(async () => {
          const result = await putOrgSecretAction({ name: secret.name, value, description, mode: "replace" });
          if (result.ok) return onDone();
          setErrors(result.fieldErrors ?? {});
          if (!result.fieldErrors) setError(result.error);
        });
      }}
    >
      <p className="text-sm text-slate-600">Jobs that start from now on receive the new value.</p>
      <SecretValueField label="New value" value={value} onChange={setValue} errors={errors.value} />
      <TextField
        label="Description"
        name="description"
        maxLength={2048}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        errors={errors.description}
      />
      {error ? <Alert>{error}</Alert> : null}
    </ConfirmDialog>
  );
}

"use client";

import { useState, useTransition } from "react";
import { putOrgSecretAction } from "@/app/(console)/settings/secrets/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { SECRET_NAME_RULE } from "@/lib/org-secrets/names";
import { SecretValueField } from "./secrets-value-field";

type Notice = { tone: "success" | "error"; text: string } | null;

const EMPTY = { name: "", value: "", description: "" };

export function SecretsAddForm() {
  const [fields, setFields] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [pending, startTransition] = useTransition();
  const set = (field: keyof typeof EMPTY) => (value: string) => setFields((f) => ({ ...f, [field]: value }));

  return (
    <form
      aria-label="Add a secret"
      className="max-w-2xl space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        setNotice(null);
        // A plain object, not the form's FormData: a multipart body turns the textarea's line
        // breaks into CRLF, and the job must receive exactly what was typed.
        startTransition(async () => {
          const result = await putOrgSecretAction({ ...fields, mode: "create" });
          if (!result.ok) {
            setErrors(result.fieldErrors ?? {});
            // Field problems show beside their fields; only the rest needs a message here.
            if (!result.fieldErrors) setNotice({ tone: "error", text: result.error });
            return;
          }
          setErrors({});
          setFields(EMPTY);
          setNotice({
            tone: "success",
            text: `Saved secret ${result.data.name}. Its value is stored encrypted and will not be shown again.`,
          });
        });
      }}
    >
      <TextField
        label="Name"
        name="name"
        required
        maxLength={255}
        autoComplete="off"
        spellCheck={false}
        value={fields.name}
        onChange={(e) => set("name")(e.target.value)}
        placeholder="e.g. prod/db-password"
        hint={SECRET_NAME_RULE}
        errors={errors.name}
      />
      <SecretValueField value={fields.value} onChange={set("value")} errors={errors.value} />
      <TextField
        label="Description"
        name="description"
        maxLength={2048}
        value={fields.description}
        onChange={(e) => set("description")(e.target.value)}
        placeholder="optional"
        errors={errors.description}
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Add secret"}
      </Button>
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
    </form>
  );
}

"use client";

import { useState, useTransition } from "react";
import { createEndpointAction } from "@/app/(console)/notifications/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { groupErrors } from "@/lib/console/field-errors";
import { SigningSecret } from "./signing-secret";

type Field = "name" | "endpoint" | "apiKeyName" | "apiKeyValue";
const FIELDS: readonly string[] = ["name", "endpoint", "apiKeyName", "apiKeyValue"];
const EMPTY: Record<Field, string> = { name: "", endpoint: "", apiKeyName: "", apiKeyValue: "" };

/**
 * A webhook endpoint: its name and URL, and optionally an API key header sent with every
 * delivery. On success the form empties and the new signing secret is shown, once.
 */
export function CreateEndpointForm({ snippet }: { snippet: string }) {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [created, setCreated] = useState<{ name: string; signingSecret: string } | null>(null);
  const [pending, start] = useTransition();
  const set = (field: Field) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const submit = () =>
    start(async () => {
      setCreated(null);
      try {
        const result = await createEndpointAction({
          name: values.name.trim(),
          endpoint: values.endpoint.trim(),
          apiKeyName: values.apiKeyName,
          apiKeyValue: values.apiKeyValue,
        });
        if (result.ok) {
          setValues(EMPTY);
          setErrors({});
          setCreated({ name: result.data.name, signingSecret: result.data.signingSecret });
          return;
        }
        const grouped = groupErrors(result.fieldErrors, (path) => (FIELDS.includes(path) ? (path as Field) : "_"));
        if (!result.fieldErrors || Object.keys(grouped).length === 0) grouped._ = [result.error];
        setErrors(grouped);
      } catch {
        setErrors({ _: ["Could not reach the server. Please try again."] });
      }
    });

  return (
    <div className="space-y-4">
      <form
        aria-label="Create webhook endpoint"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Name"
            value={values.name}
            onChange={set("name")}
            required
            maxLength={64}
            hint="Letters, numbers, hyphens, underscores and periods."
            errors={errors.name}
          />
          <TextField
            label="Endpoint URL"
            type="url"
            value={values.endpoint}
            onChange={set("endpoint")}
            required
            maxLength={2048}
            placeholder="https://example.com/hooks/batch"
            spellCheck={false}
            hint="Each event is POSTed here as JSON."
            errors={errors.endpoint}
          />
          <TextField
            label="API key header"
            value={values.apiKeyName}
            onChange={set("apiKeyName")}
            maxLength={512}
            placeholder="x-api-key"
            spellCheck={false}
            hint="Optional: a header sent with every delivery, for endpoints that ask for a key."
            errors={errors.apiKeyName}
          />
          <TextField
            label="API key value"
            type="password"
            autoComplete="off"
            value={values.apiKeyValue}
            onChange={set("apiKeyValue")}
            maxLength={512}
            hint="Stored encrypted; never shown again."
            errors={errors.apiKeyValue}
          />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create endpoint"}
        </Button>
      </form>
      {created ? <SigningSecret name={created.name} secret={created.signingSecret} snippet={snippet} /> : null}
    </div>
  );
}

"use client";

import { useActionState } from "react";
import { createAccessKeyAction } from "@/app/(console)/settings/access-keys/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function CreateAccessKeyForm() {
  const [state, action, pending] = useActionState(
    (_prev: Awaited<ReturnType<typeof createAccessKeyAction>> | null, form: FormData) => createAccessKeyAction(form),
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <form action={action} className="space-y-3" aria-label="Create an access key">
      <div className="flex flex-wrap items-end gap-3">
        <TextField
          className="min-w-64 flex-1"
          label="Description"
          name="description"
          maxLength={256}
          placeholder="e.g. CI pipeline"
          errors={errors?.description}
        />
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create access key"}
        </Button>
      </div>
      {state && !state.ok && !state.fieldErrors ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? (
        <Alert tone="success">
          <p className="font-medium">Copy the secret now: it is shown only this once and cannot be retrieved later.</p>
          <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-xs">
            <dt>Access key ID</dt>
            <dd>
              <code
                data-testid="new-access-key-id"
                className="select-all break-all rounded bg-white px-1 text-slate-800"
              >
                {state.data.accessKeyId}
              </code>
            </dd>
            <dt>Secret access key</dt>
            <dd>
              <code
                data-testid="new-secret-access-key"
                className="select-all break-all rounded bg-white px-1 text-slate-800"
              >
                {state.data.secretAccessKey}
              </code>
            </dd>
          </dl>
          <p className="mt-2 text-xs">
            Use it with <code>aws configure</code> and{" "}
            <code>aws batch --endpoint-url {origin || "<this server>"} describe-job-queues</code>.
          </p>
        </Alert>
      ) : null}
    </form>
  );
}

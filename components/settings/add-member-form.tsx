"use client";

import { useActionState } from "react";
import { addMemberAction } from "@/app/(console)/settings/members/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { ROLE_LABELS, ROLES } from "@/lib/auth/permissions";

export function AddMemberForm() {
  const [state, action, pending] = useActionState(
    (_prev: Awaited<ReturnType<typeof addMemberAction>> | null, form: FormData) => addMemberAction(form),
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <form action={action} className="space-y-3" aria-label="Add a member">
      <div className="flex flex-wrap items-end gap-3">
        <TextField
          className="min-w-64 flex-1"
          label="Email"
          name="email"
          type="email"
          required
          errors={errors?.email}
        />
        <SelectField label="Role" name="role" defaultValue="developer" errors={errors?.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add member"}
        </Button>
      </div>
      {state && !state.ok && !state.fieldErrors ? <Alert>{state.error}</Alert> : null}
      {state?.ok && state.data.kind === "added" ? (
        <Alert tone="success">{state.data.email} now has access to this organization.</Alert>
      ) : null}
      {state?.ok && state.data.kind === "invited" ? (
        <Alert tone="success">
          <p>
            {state.data.email} has no account yet. Send them this invitation link (shown only now, valid for 7 days):
          </p>
          <code
            data-testid="invitation-link"
            className="mt-1 block break-all rounded bg-white px-2 py-1 text-xs text-slate-800"
          >
            {origin}
            {state.data.invitationPath}
          </code>
        </Alert>
      ) : null}
    </form>
  );
}

"use client";

import { useActionState, useState } from "react";
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
      {state?.ok ? (
        <InvitationLink
          key={state.data.invitationId}
          email={state.data.email}
          url={`${origin}${state.data.invitationPath}`}
        />
      ) : null}
    </form>
  );
}

/**
 * The same answer for every address: whether it has an account here is for its owner to find out.
 * "Copy link" puts the link on the clipboard; the line beside it (a live region, present from the
 * start so screen readers announce its change) says it was copied, or how to copy it by hand.
 */
function InvitationLink({ email, url }: { email: string; url: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => {
    if (!navigator.clipboard) {
      setCopied("no");
      return;
    }
    navigator.clipboard
      .writeText(url)
      .then(() => setCopied("yes"))
      .catch(() => setCopied("no"));
  };
  return (
    <Alert tone="success">
      <p>Invitation created: send this link to {email} (shown only now, valid for 7 days).</p>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <code
          data-testid="invitation-link"
          className="block select-all break-all rounded bg-white px-2 py-1 text-xs text-slate-800"
        >
          {url}
        </code>
        <Button variant="secondary" onClick={copy}>
          Copy link
        </Button>
        <output aria-live="polite" className="text-xs font-medium" data-testid="copy-status">
          {copied === "yes" ? "Copied" : copied === "no" ? "Could not copy: select the link and copy it." : ""}
        </output>
      </div>
    </Alert>
  );
}

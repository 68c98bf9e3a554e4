"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { acceptInvitationAction } from "./actions";

/** No account for the invited address yet: choose a name and password, and join. */
export function NewAccountForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInvitationAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok && !state.fieldErrors ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="account" value="new" />
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" value={email} readOnly disabled />
      <TextField label="Your name" name="name" autoComplete="name" required errors={errors?.name} />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Join"}
      </Button>
    </form>
  );
}

/** Signed in as the invited address: accept, and the session moves to the organization joined. */
export function AcceptAsSignedInForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInvitationAction, null);
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="account" value="signedIn" />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600">You are signed in as {email}.</p>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Accept invitation"}
      </Button>
    </form>
  );
}

"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { acceptInvitationAction } from "./actions";

/**
 * No account for the invited address yet: choose a name and password, and join. The fields are
 * controlled, so what was typed stays after an error (React resets an uncontrolled form once its
 * action returns); an error goes as soon as its field is edited, and every error while the form
 * is submitted again, so none is left standing about a value that changed.
 */
export function NewAccountForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInvitationAction, null);
  const [values, setValues] = useState({ name: "", password: "" });
  const [edited, setEdited] = useState<{ since: typeof state; fields: ReadonlySet<string> }>({
    since: state,
    fields: new Set(),
  });
  // A new answer brings its errors back, whatever was edited since the previous one.
  const fieldsEdited = edited.since === state ? edited.fields : new Set<string>();
  const failed = state && !state.ok && !pending ? state : null;
  const errorsOf = (field: "name" | "password") => (fieldsEdited.has(field) ? undefined : failed?.fieldErrors?.[field]);
  const edit = (field: "name" | "password", value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setEdited({ since: state, fields: new Set([...fieldsEdited, field]) });
  };
  return (
    <form action={action} className="space-y-4">
      {failed && !failed.fieldErrors && fieldsEdited.size === 0 ? <Alert>{failed.error}</Alert> : null}
      <input type="hidden" name="account" value="new" />
      <input type="hidden" name="token" value={token} />
      <TextField label="Email" value={email} readOnly disabled />
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        required
        value={values.name}
        onChange={(e) => edit("name", e.target.value)}
        errors={errorsOf("name")}
      />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={values.password}
        onChange={(e) => edit("password", e.target.value)}
        errors={errorsOf("password")}
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

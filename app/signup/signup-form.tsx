"use client";

import { type ChangeEvent, useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signUpAction } from "./actions";

type Field = "name" | "email" | "password" | "organization";

/**
 * A new organization and its first admin. The fields are controlled, so what was typed stays
 * after an error (React resets an uncontrolled form once its action returns); an error goes as
 * soon as its field is edited, and every error while the form is submitted again, so none is
 * left standing about a value that changed (the invitation form's pattern, app/invite).
 */
export function SignUpForm() {
  const [state, action, pending] = useActionState(signUpAction, null);
  const [values, setValues] = useState<Record<Field, string>>({ name: "", email: "", password: "", organization: "" });
  const [edited, setEdited] = useState<{ since: typeof state; fields: ReadonlySet<string> }>({
    since: state,
    fields: new Set(),
  });
  // A new answer brings its errors back, whatever was edited since the previous one.
  const fieldsEdited = edited.since === state ? edited.fields : new Set<string>();
  const failed = state && !state.ok && !pending ? state : null;
  const errorsOf = (field: Field) => (fieldsEdited.has(field) ? undefined : failed?.fieldErrors?.[field]);
  const field = (name: Field) => ({
    name,
    value: values[name],
    errors: errorsOf(name),
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.target.value;
      setValues((v) => ({ ...v, [name]: value }));
      setEdited({ since: state, fields: new Set([...fieldsEdited, name]) });
    },
  });
  return (
    <form action={action} className="space-y-4" aria-label="Create an organization">
      {failed && !failed.fieldErrors && fieldsEdited.size === 0 ? <Alert>{failed.error}</Alert> : null}
      <TextField label="Your name" autoComplete="name" required {...field("name")} />
      <TextField label="Email" type="email" autoComplete="email" required {...field("email")} />
      <TextField label="Password" type="password" autoComplete="new-password" required {...field("password")} />
      <TextField label="Organization name" required {...field("organization")} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const [state, action, pending] = useActionState(signUpAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok && !state.fieldErrors ? <Alert>{state.error}</Alert> : null}
      <TextField label="Your name" name="name" autoComplete="name" required errors={errors?.name} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required errors={errors?.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.password}
      />
      <TextField label="Organization name" name="organization" required errors={errors?.organization} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}

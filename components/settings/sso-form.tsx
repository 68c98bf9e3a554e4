"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { deleteSsoProviderAction, saveSsoProviderAction } from "@/app/(console)/settings/sso/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FieldErrors, SelectField, TextField } from "@/components/ui/field";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/permissions";
import type { SsoSettings } from "@/lib/sso/schemas";

type Notice = { tone: "success" | "error"; text: string } | null;

interface Values {
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string;
  defaultRole: Role;
  createMembers: boolean;
  requireSso: boolean;
  breakGlassUserId: string;
  enabled: boolean;
}

function initialValues(settings: SsoSettings, currentUserId: string): Values {
  const p = settings.provider;
  const meAdmin = settings.admins.some((a) => a.id === currentUserId);
  return {
    issuer: p?.issuer ?? "",
    clientId: p?.clientId ?? "",
    clientSecret: "",
    allowedDomains: p?.allowedDomains.join(", ") ?? "",
    defaultRole: p?.defaultRole ?? "submitter",
    createMembers: p?.createMembers ?? false,
    requireSso: p?.requireSso ?? false,
    breakGlassUserId: p?.breakGlassUserId ?? (meAdmin ? currentUserId : ""),
    enabled: p?.enabled ?? true,
  };
}

export function SsoForm({
  settings,
  hosted,
  currentUserId,
}: {
  settings: SsoSettings;
  hosted: boolean;
  currentUserId: string;
}) {
  const router = useRouter();
  const [values, setValues] = useState<Values>(() => initialValues(settings, currentUserId));
  const [secretSet, setSecretSet] = useState(settings.provider?.clientSecretSet ?? false);
  const [configured, setConfigured] = useState(settings.provider !== null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [askingRemove, setAskingRemove] = useState(false);
  const [pending, startTransition] = useTransition();

  const text = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));
  const flag = (field: "createMembers" | "requireSso" | "enabled") => (checked: boolean) =>
    setValues((v) => ({ ...v, [field]: checked }));

  function save() {
    setNotice(null);
    startTransition(async () => {
      const result = await saveSsoProviderAction({
        ...values,
        breakGlassUserId: values.breakGlassUserId || null,
      });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        if (!result.fieldErrors || Object.keys(result.fieldErrors).length === 0) {
          setNotice({ tone: "error", text: result.error });
        }
        return;
      }
      setErrors({});
      setSecretSet(true);
      setConfigured(true);
      setValues((v) => ({ ...v, clientSecret: "" }));
      const p = result.data.provider;
      setNotice({
        tone: "success",
        text: !p?.enabled
          ? "Saved. Single sign-on is off."
          : p.requireSso
            ? "Saved. Members must now sign in with single sign-on (the break-glass admin may still use a password)."
            : "Saved. Members can sign in with single sign-on.",
      });
      router.refresh();
    });
  }

  function remove() {
    setNotice(null);
    startTransition(async () => {
      const result = await deleteSsoProviderAction({});
      setAskingRemove(false);
      if (!result.ok) {
        setNotice({ tone: "error", text: result.error });
        return;
      }
      setErrors({});
      setConfigured(false);
      setSecretSet(false);
      setValues(initialValues({ ...settings, provider: null }, currentUserId));
      setNotice({ tone: "success", text: "Single sign-on removed." });
      router.refresh();
    });
  }

  return (
    <>
      <form
        className="max-w-2xl space-y-4"
        aria-label="Single sign-on settings"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <TextField
          label="Issuer URL"
          name="issuer"
          type="url"
          value={values.issuer}
          onChange={text("issuer")}
          placeholder="https://login.example.com"
          autoComplete="off"
          spellCheck={false}
          required
          hint={
            hosted
              ? "The provider's issuer (its discovery document is read when you save). https:// only."
              : "The provider's issuer (its discovery document is read when you save). https://; http:// only for a provider on this machine (localhost, 127.0.0.1)."
          }
          errors={errors.issuer}
        />
        <div className="grid gap-4 md:grid-cols-2">
          <TextField
            label="Client ID"
            name="clientId"
            value={values.clientId}
            onChange={text("clientId")}
            autoComplete="off"
            spellCheck={false}
            required
            errors={errors.clientId}
          />
          <TextField
            label={secretSet ? "Client secret (set, type to replace)" : "Client secret"}
            name="clientSecret"
            type="password"
            value={values.clientSecret}
            onChange={text("clientSecret")}
            placeholder={secretSet ? "•••••••• set; leave empty to keep" : ""}
            autoComplete="new-password"
            spellCheck={false}
            required={!secretSet}
            hint="Stored encrypted and never shown again."
            errors={errors.clientSecret}
          />
        </div>
        <TextField
          label="Allowed email domains"
          name="allowedDomains"
          value={values.allowedDomains}
          onChange={text("allowedDomains")}
          placeholder="example.com, example.org"
          autoComplete="off"
          spellCheck={false}
          hint="Only addresses at these domains are linked to accounts or join. Empty: any domain."
          errors={errors.allowedDomains}
        />
        <Checkbox
          label="Create accounts and memberships on first sign-in"
          hint="Off: only people who already have an account and belong to this organization can sign in this way."
          checked={values.createMembers}
          onChange={flag("createMembers")}
          errors={errors.createMembers}
        />
        {values.createMembers ? (
          <SelectField
            label="Role of new members"
            name="defaultRole"
            value={values.defaultRole}
            onChange={text("defaultRole")}
            errors={errors.defaultRole}
            className="max-w-xs"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </SelectField>
        ) : null}
        <Checkbox
          label="Single sign-on is on"
          hint="Off keeps the settings but nobody can sign in through the provider."
          checked={values.enabled}
          onChange={flag("enabled")}
          errors={errors.enabled}
        />
        <Checkbox
          label="Require single sign-on"
          hint="Sessions signed in with a password (or another provider) can no longer act in this organization, at once; the break-glass admin's still can. API access keys are not affected."
          checked={values.requireSso}
          onChange={flag("requireSso")}
          errors={errors.requireSso}
        />
        {values.requireSso ? (
          <SelectField
            label="Break-glass admin"
            name="breakGlassUserId"
            value={values.breakGlassUserId}
            onChange={text("breakGlassUserId")}
            errors={errors.breakGlassUserId}
            className="max-w-md"
          >
            <option value="">Choose an admin…</option>
            {settings.admins.map((a) => (
              <option key={a.id} value={a.id}>
                {a.email}
              </option>
            ))}
          </SelectField>
        ) : null}
        {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save single sign-on"}
          </Button>
          {configured ? (
            <Button variant="danger" disabled={pending} onClick={() => setAskingRemove(true)}>
              Remove single sign-on
            </Button>
          ) : null}
        </div>
      </form>
      {/* Outside the settings form: the dialog has a form of its own. */}
      <ConfirmDialog
        open={askingRemove}
        title="Remove this organization's single sign-on?"
        confirmLabel="Remove single sign-on"
        pending={pending}
        onClose={() => setAskingRemove(false)}
        onConfirm={remove}
      >
        <p className="text-sm text-slate-700">Members will sign in with passwords again.</p>
      </ConfirmDialog>
    </>
  );
}

function Checkbox({
  label,
  hint,
  checked,
  onChange,
  errors,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  errors?: string[];
}) {
  const id = useId();
  return (
    <div>
      <div className="flex items-start gap-2">
        <input
          id={id}
          type="checkbox"
          className="mt-0.5"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={`${id}-hint`}
          aria-invalid={errors?.length ? true : undefined}
        />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-slate-700">
            {label}
          </label>
          <p id={`${id}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        </div>
      </div>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}

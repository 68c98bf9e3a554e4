"use client";

import clsx from "clsx";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { saveBackendSettingsAction, testBackendConnectionAction } from "@/app/(console)/settings/backend/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { CredentialMode } from "@/lib/backends/aws/config";
import type { BackendSettings } from "@/lib/backends/settings/get-backend-settings";

type Values = {
  backend: "builtin" | "aws";
  region: string;
  credentialMode: CredentialMode;
  accessKeyId: string;
  secretAccessKey: string;
  roleArn: string;
  batchEndpoint: string;
  logsEndpoint: string;
};

type Notice = { tone: "success" | "error"; text: string } | null;

const MODES: { value: CredentialMode; label: string }[] = [
  { value: "keys", label: "Access key pair" },
  { value: "assume-role", label: "Assume a role (role ARN)" },
  { value: "default-chain", label: "This server's default credentials" },
];

function initialValues(settings: BackendSettings): Values {
  const aws = settings.aws;
  return {
    backend: settings.backend,
    region: aws?.region ?? "us-east-1",
    credentialMode: aws?.credentialMode ?? "keys",
    accessKeyId: aws?.accessKeyId ?? "",
    secretAccessKey: "",
    roleArn: aws?.roleArn ?? "",
    batchEndpoint: aws?.batchEndpoint ?? "",
    logsEndpoint: aws?.logsEndpoint ?? "",
  };
}

export function BackendForm({ settings }: { settings: BackendSettings }) {
  const router = useRouter();
  const [values, setValues] = useState<Values>(() => initialValues(settings));
  const [secretSet, setSecretSet] = useState(settings.aws?.secretAccessKeySet ?? false);
  const [storedKeyId, setStoredKeyId] = useState(settings.aws?.accessKeyId ?? "");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saveNotice, setSaveNotice] = useState<Notice>(null);
  const [testNotice, setTestNotice] = useState<Notice>(null);
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<"save" | "test" | null>(null);

  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));
  const aws = values.backend === "aws";
  const keysShown = values.credentialMode === "keys" || values.credentialMode === "assume-role";
  // The stored secret belongs to the stored key id; a new key id needs its own secret.
  const secretKept = secretSet && values.accessKeyId === storedKeyId;

  function run(kind: "save" | "test") {
    setBusy(kind);
    if (kind === "save") setSaveNotice(null);
    setTestNotice(null);
    startTransition(async () => {
      const result =
        kind === "save" ? await saveBackendSettingsAction(values) : await testBackendConnectionAction(values);
      setBusy(null);
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        // Field problems are shown beside their fields; only the rest needs a message here.
        if (result.fieldErrors && Object.keys(result.fieldErrors).length > 0) return;
        const notice = { tone: "error" as const, text: result.error };
        if (kind === "save") setSaveNotice(notice);
        else setTestNotice(notice);
        return;
      }
      setErrors({});
      if ("backend" in result.data) {
        const saved = result.data;
        setSecretSet(saved.aws?.secretAccessKeySet ?? false);
        setStoredKeyId(saved.aws?.accessKeyId ?? "");
        setValues((v) => ({ ...v, secretAccessKey: "" }));
        setSaveNotice({
          tone: "success",
          text:
            saved.backend === "aws"
              ? `Saved. This organization now runs on AWS Batch in ${saved.aws?.region}.`
              : "Saved. This organization now runs on the built-in engine.",
        });
        router.refresh();
      } else {
        const tested = result.data;
        setTestNotice({ tone: tested.ok ? "success" : "error", text: tested.message });
      }
    });
  }

  return (
    <form
      className="space-y-5"
      aria-label="Backend settings"
      onSubmit={(e) => {
        e.preventDefault();
        run("save");
      }}
    >
      <BackendChoice value={values.backend} onChange={(backend) => setValues((v) => ({ ...v, backend }))} />

      {aws ? (
        <div className="space-y-4 border-t border-slate-200 pt-4">
          <div className="grid gap-4 md:grid-cols-2">
            <TextField
              label="Region"
              name="region"
              value={values.region}
              onChange={set("region")}
              placeholder="us-east-1"
              autoComplete="off"
              required
              errors={errors.region}
            />
            <SelectField
              label="Credentials"
              name="credentialMode"
              value={values.credentialMode}
              onChange={set("credentialMode")}
              errors={errors.credentialMode}
            >
              {MODES.filter((m) => m.value !== "default-chain" || settings.defaultChainAllowed).map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </SelectField>
          </div>

          {values.credentialMode === "assume-role" ? (
            <div className="space-y-2">
              <div className="grid gap-4 md:grid-cols-2">
                <TextField
                  label="Role ARN"
                  name="roleArn"
                  value={values.roleArn}
                  onChange={set("roleArn")}
                  placeholder="arn:aws:iam::123456789012:role/batchdeck"
                  autoComplete="off"
                  required
                  errors={errors.roleArn}
                />
                <TextField
                  label="External ID (generated by Batchdeck)"
                  value={settings.externalId}
                  readOnly
                  spellCheck={false}
                  onFocus={(e) => e.currentTarget.select()}
                />
              </div>
              <ExternalIdHint externalId={settings.externalId} />
            </div>
          ) : null}

          {keysShown ? (
            <div className="space-y-2">
              {values.credentialMode === "assume-role" ? (
                <p className="text-sm text-slate-600">
                  The role is assumed with the access key below, or with this server's own identity when it is left
                  empty.
                </p>
              ) : null}
              <div className="grid gap-4 md:grid-cols-2">
                <TextField
                  label={values.credentialMode === "keys" ? "Access key ID" : "Access key ID (optional)"}
                  name="accessKeyId"
                  value={values.accessKeyId}
                  onChange={set("accessKeyId")}
                  placeholder="AKIAIOSFODNN7EXAMPLE"
                  autoComplete="off"
                  spellCheck={false}
                  required={values.credentialMode === "keys"}
                  errors={errors.accessKeyId}
                />
                <TextField
                  label={secretKept ? "Secret access key (set, type to replace)" : "Secret access key"}
                  name="secretAccessKey"
                  type="password"
                  value={values.secretAccessKey}
                  onChange={set("secretAccessKey")}
                  placeholder={secretKept ? "•••••••• set; leave empty to keep" : ""}
                  autoComplete="new-password"
                  spellCheck={false}
                  hint="Stored encrypted and never shown again."
                  errors={errors.secretAccessKey}
                />
              </div>
            </div>
          ) : null}

          {values.credentialMode === "default-chain" ? (
            <p className="text-sm text-slate-600">
              Uses the credentials this server's AWS SDK finds itself: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a
              profile, or the instance or task role.
            </p>
          ) : null}

          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">Endpoint overrides (optional)</legend>
            <p className="text-sm text-slate-600">
              For AWS-compatible services, such as another Batchdeck's API. Leave empty for AWS's own endpoints.
            </p>
            <div className="grid gap-4 md:grid-cols-2">
              <TextField
                label="AWS Batch endpoint"
                name="batchEndpoint"
                type="url"
                value={values.batchEndpoint}
                onChange={set("batchEndpoint")}
                placeholder="https://batch.us-east-1.amazonaws.com"
                autoComplete="off"
                errors={errors.batchEndpoint}
              />
              <TextField
                label="CloudWatch Logs endpoint"
                name="logsEndpoint"
                type="url"
                value={values.logsEndpoint}
                onChange={set("logsEndpoint")}
                placeholder="https://logs.us-east-1.amazonaws.com"
                autoComplete="off"
                errors={errors.logsEndpoint}
              />
            </div>
          </fieldset>
        </div>
      ) : null}

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
        <Button type="submit" disabled={pending}>
          {busy === "save" ? "Saving…" : "Save"}
        </Button>
        {aws ? (
          <Button type="button" variant="secondary" disabled={pending} onClick={() => run("test")}>
            {busy === "test" ? "Testing connection…" : "Test connection"}
          </Button>
        ) : null}
        {pending ? (
          <span className="text-sm text-slate-500" aria-live="polite">
            {busy === "test" ? "Asking AWS Batch for its job queues…" : "Saving…"}
          </span>
        ) : null}
      </div>
      <div aria-live="polite" className="space-y-2">
        {testNotice ? (
          <div data-testid="connection-result">
            <Alert tone={testNotice.tone}>{testNotice.text}</Alert>
          </div>
        ) : null}
        {saveNotice ? <Alert tone={saveNotice.tone}>{saveNotice.text}</Alert> : null}
      </div>
    </form>
  );
}

/** The external ID is not a setting: the admin copies it into the role's trust policy. */
function ExternalIdHint({ externalId }: { externalId: string }) {
  return (
    <div className="space-y-1 text-sm text-slate-600">
      <p>
        Put this external ID in the role's trust policy, as an <code>sts:ExternalId</code> condition. Batchdeck
        generated it for this organization alone and sends it every time it assumes the role, so no other organization
        can have Batchdeck assume this role.
      </p>
      <pre className="overflow-x-auto rounded-md bg-slate-50 p-2 text-xs text-slate-800 ring-1 ring-slate-200">
        {`"Condition": { "StringEquals": { "sts:ExternalId": "${externalId}" } }`}
      </pre>
    </div>
  );
}

function BackendChoice({
  value,
  onChange,
}: {
  value: "builtin" | "aws";
  onChange: (value: "builtin" | "aws") => void;
}) {
  const id = useId();
  const options = [
    {
      value: "builtin" as const,
      label: "Built-in engine",
      description: "Jobs run as processes on this server, scheduled by Batchdeck's engine.",
    },
    {
      value: "aws" as const,
      label: "AWS Batch",
      description: "Resources, jobs and logs live in your AWS account; Batchdeck drives them through the AWS SDK.",
    },
  ];
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium text-slate-700">Run this organization's jobs on</legend>
      <div className="grid gap-3 md:grid-cols-2">
        {options.map((o) => (
          <label
            key={o.value}
            htmlFor={`${id}-${o.value}`}
            className={clsx(
              "flex cursor-pointer gap-3 rounded-md p-3 ring-1 focus-within:ring-2 focus-within:ring-indigo-500",
              value === o.value ? "bg-indigo-50 ring-indigo-400" : "ring-slate-300 hover:bg-slate-50",
            )}
          >
            <input
              id={`${id}-${o.value}`}
              type="radio"
              name="backend"
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              className="mt-1 accent-indigo-600"
            />
            <span>
              <span className="block text-sm font-medium text-slate-900">{o.label}</span>
              <span className="block text-sm text-slate-600">{o.description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

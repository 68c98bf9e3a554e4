"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { saveOrganizationQuotasAction } from "@/app/(console)/operator/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { formatQuota } from "@/lib/quotas/format";
import { QUOTA_LABELS, QUOTA_NAMES, type QuotaName, type QuotaSettings } from "@/lib/quotas/names";

type Notice = { tone: "success" | "error"; text: string } | null;

const HINTS: Record<QuotaName, string> = {
  maxRunningVcpus: "vCPUs its jobs may hold at once on the built-in engine; more wait, saying why.",
  maxWaitingJobs: "Jobs submitted, pending or runnable at once (an array counts its children).",
  maxArraySize: "Children of one array job.",
  submitRatePerSecond: "SubmitJob requests per second, shared by every web server (decimals allowed).",
  submitBurst: "Requests allowed at once after a quiet spell; blank or 0: one second's worth.",
  maxLogBytes: "Bytes of job output kept; past it the oldest finished jobs' logs are deleted.",
};

export function QuotaForm({ organizationId, settings }: { organizationId: string; settings: QuotaSettings }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<QuotaName, string>>(
    () =>
      Object.fromEntries(QUOTA_NAMES.map((n) => [n, settings.chosen[n]?.toString() ?? ""])) as Record<
        QuotaName,
        string
      >,
  );
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="max-w-xl space-y-4"
      aria-label="Quotas"
      onSubmit={(e) => {
        e.preventDefault();
        setNotice(null);
        startTransition(async () => {
          const result = await saveOrganizationQuotasAction({ organizationId, ...values });
          if (!result.ok) {
            setErrors(result.fieldErrors ?? {});
            const first = Object.keys(result.fieldErrors ?? {})[0];
            // In the form's words: the field's label, not its name in the request.
            const label = first && first in QUOTA_LABELS ? QUOTA_LABELS[first as QuotaName] : null;
            const message = first ? result.fieldErrors?.[first]?.[0] : null;
            setNotice({ tone: "error", text: label && message ? `${label}: ${message}` : result.error });
            if (first) document.querySelector<HTMLInputElement>(`form[aria-label="Quotas"] [name="${first}"]`)?.focus();
            return;
          }
          setErrors({});
          setNotice({ tone: "success", text: "Quotas saved." });
          router.refresh();
        });
      }}
    >
      {QUOTA_NAMES.map((name) => (
        <TextField
          key={name}
          label={QUOTA_LABELS[name]}
          name={name}
          inputMode="decimal"
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          placeholder={`default: ${formatQuota(name, settings.defaults[name])}`}
          hint={`${HINTS[name]} Blank: the install's default (${formatQuota(name, settings.defaults[name])}). 0: unlimited.`}
          errors={errors[name]}
        />
      ))}
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save quotas"}
      </Button>
    </form>
  );
}

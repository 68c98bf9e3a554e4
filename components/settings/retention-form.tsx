"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { saveRetentionSettingsAction } from "@/app/(console)/settings/retention/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import type { RetentionSettings } from "@/lib/retention/settings";

type Notice = { tone: "success" | "error"; text: string } | null;

const shown = (days: number) => (days === 0 ? "keep forever" : `${days} days`);

export function RetentionForm({ settings }: { settings: RetentionSettings }) {
  const router = useRouter();
  const [jobDays, setJobDays] = useState(settings.chosen.jobDays?.toString() ?? "");
  const [logDays, setLogDays] = useState(settings.chosen.logDays?.toString() ?? "");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [pending, startTransition] = useTransition();

  return (
    <form
      className="max-w-xl space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        setNotice(null);
        startTransition(async () => {
          const result = await saveRetentionSettingsAction({ jobDays, logDays });
          if (!result.ok) {
            setErrors(result.fieldErrors ?? {});
            setNotice({ tone: "error", text: result.error });
            return;
          }
          setErrors({});
          const e = result.data.effective;
          setNotice({ tone: "success", text: `Saved: jobs ${shown(e.jobDays)}, logs ${shown(e.logDays)}.` });
          router.refresh();
        });
      }}
    >
      <TextField
        label="Keep finished jobs (days)"
        name="jobDays"
        inputMode="numeric"
        value={jobDays}
        onChange={(e) => setJobDays(e.target.value)}
        placeholder={`default: ${shown(settings.defaults.jobDays)}`}
        hint={`Blank: the server's default (${shown(settings.defaults.jobDays)}). 0: keep forever.`}
        errors={errors.jobDays}
      />
      <TextField
        label="Keep logs (days)"
        name="logDays"
        inputMode="numeric"
        value={logDays}
        onChange={(e) => setLogDays(e.target.value)}
        placeholder={`default: ${shown(settings.defaults.logDays)}`}
        hint={`Blank: the server's default (${shown(settings.defaults.logDays)}). At most as long as jobs are kept.`}
        errors={errors.logDays}
      />
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save retention"}
      </Button>
    </form>
  );
}

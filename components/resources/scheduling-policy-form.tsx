"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import {
  createSchedulingPolicyAction,
  updateSchedulingPolicyAction,
} from "@/app/(console)/scheduling-policies/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FieldErrors, TextField } from "@/components/ui/field";
import { groupErrors, numberField } from "@/lib/console/field-errors";
import type { SchedulingPolicyFormValues } from "@/lib/console/scheduling-policy-values";

type Field = "name" | "shareDecaySeconds" | "computeReservation" | "shares" | `share.${number}`;

function fieldFor(path: string): Field | "_" {
  if (path === "name") return "name";
  if (path.startsWith("fairsharePolicy.shareDecaySeconds")) return "shareDecaySeconds";
  if (path.startsWith("fairsharePolicy.computeReservation")) return "computeReservation";
  const row = /^fairsharePolicy\.shareDistribution\.(\d+)/.exec(path);
  if (row) return `share.${Number(row[1])}`;
  if (path.startsWith("fairsharePolicy.shareDistribution")) return "shares";
  return "_";
}

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500";

export function SchedulingPolicyForm({
  mode,
  initial,
}: {
  mode: "create" | "edit";
  initial: SchedulingPolicyFormValues;
}) {
  const router = useRouter();
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const set = (patch: Partial<SchedulingPolicyFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const setShare = (i: number, patch: Partial<SchedulingPolicyFormValues["shares"][number]>) =>
    set({ shares: values.shares.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  const submit = () => {
    const decay = numberField(values.shareDecaySeconds);
    const reservation = numberField(values.computeReservation);
    const fairsharePolicy = {
      ...(decay !== undefined ? { shareDecaySeconds: decay } : {}),
      ...(reservation !== undefined ? { computeReservation: reservation } : {}),
      shareDistribution: values.shares.map((s) => {
        const weight = numberField(s.weightFactor);
        return { shareIdentifier: s.shareIdentifier.trim(), ...(weight !== undefined ? { weightFactor: weight } : {}) };
      }),
    };
    start(async () => {
      const result =
        mode === "create"
          ? await createSchedulingPolicyAction({
              name: values.name.trim(),
              fairsharePolicy,
            } as Parameters<typeof createSchedulingPolicyAction>[0])
          : await updateSchedulingPolicyAction({ arn: values.arn, fairsharePolicy } as Parameters<
              typeof updateSchedulingPolicyAction
            >[0]);
      if (result.ok) {
        router.push("/scheduling-policies");
        return;
      }
      const grouped = groupErrors(result.fieldErrors, fieldFor);
      if (!result.fieldErrors) grouped._ = [result.error];
      setErrors(grouped);
    });
  };

  const explain = "text-xs text-slate-500";
  return (
    <form
      aria-label={mode === "create" ? "Create scheduling policy" : `Edit scheduling policy ${initial.name}`}
      className="max-w-3xl space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      {mode === "create" ? (
        <TextField
          label="Name"
          className="max-w-md"
          value={values.name}
          onChange={(e) => set({ name: e.target.value })}
          required
          maxLength={128}
          hint="Letters, numbers, hyphens and underscores."
          errors={errors.name}
        />
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <TextField
            label="Share decay (seconds)"
            inputMode="numeric"
            value={values.shareDecaySeconds}
            onChange={(e) => set({ shareDecaySeconds: e.target.value })}
            placeholder="0"
            errors={errors.shareDecaySeconds}
          />
          <p className={`mt-1 ${explain}`}>
            How long past usage counts against a share. 0 looks only at what runs now; 3600 remembers the last hour, so
            a share that just ran a lot waits while others catch up. 0 to 604800.
          </p>
        </div>
        <div>
          <TextField
            label="Compute reservation (%)"
            inputMode="numeric"
            value={values.computeReservation}
            onChange={(e) => set({ computeReservation: e.target.value })}
            placeholder="0"
            errors={errors.computeReservation}
          />
          <p className={`mt-1 ${explain}`}>
            Capacity held back for shares that have no jobs running yet, so a newcomer can start at once. 0 to 99.
          </p>
        </div>
      </div>

      <fieldset aria-describedby={errors.shares ? `${id}-shares-err` : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Share distribution</legend>
        <p className={`mb-2 ${explain}`}>
          Jobs name a share identifier when they are submitted. A share with weight 0.5 gets twice the capacity of one
          with weight 1 (a lower weight means a larger share). "team*" matches every identifier starting with "team".
          Jobs name theirs in letters and numbers only. Shares not listed get weight 1.
        </p>
        {values.shares.length === 0 ? (
          <p className="mb-2 text-sm text-slate-600">No shares listed: all weigh 1.</p>
        ) : null}
        <div className="space-y-2">
          {values.shares.map((s, i) => {
            const rowErrors = errors[`share.${i}`];
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
              <div key={i}>
                <div className="flex flex-wrap items-center gap-2">
                  <input
                    aria-label={`Share identifier ${i + 1}`}
                    aria-invalid={rowErrors ? true : undefined}
                    aria-describedby={rowErrors ? `${id}-share-${i}-err` : undefined}
                    placeholder="Share identifier, e.g. teamA"
                    className={`${control} min-w-48 flex-[2]`}
                    value={s.shareIdentifier}
                    onChange={(e) => setShare(i, { shareIdentifier: e.target.value })}
                  />
                  <input
                    aria-label={`Weight factor ${i + 1}`}
                    aria-invalid={rowErrors ? true : undefined}
                    placeholder="Weight (1)"
                    inputMode="decimal"
                    className={`${control} w-32`}
                    value={s.weightFactor}
                    onChange={(e) => setShare(i, { weightFactor: e.target.value })}
                  />
                  <Button
                    variant="ghost"
                    aria-label={`Remove share ${i + 1}`}
                    onClick={() => set({ shares: values.shares.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </Button>
                </div>
                <FieldErrors id={`${id}-share-${i}-err`} errors={rowErrors} />
              </div>
            );
          })}
        </div>
        <Button
          variant="secondary"
          className="mt-2"
          onClick={() => set({ shares: [...values.shares, { shareIdentifier: "", weightFactor: "1" }] })}
        >
          Add share
        </Button>
        <FieldErrors id={`${id}-shares-err`} errors={errors.shares} />
      </fieldset>

      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : mode === "create" ? "Create scheduling policy" : "Save changes"}
        </Button>
        <Button variant="secondary" onClick={() => router.push("/scheduling-policies")}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

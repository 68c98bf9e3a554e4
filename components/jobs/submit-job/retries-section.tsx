import { TextField } from "@/components/ui/field";
import { ExitRules } from "./exit-rules";
import { Section, type SectionProps } from "./section";

/** How many attempts, how long each may run, and which exits retry. */
export function RetriesSection({ form, update, errors }: SectionProps) {
  return (
    <Section title="Retries and timeout">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Attempts"
          inputMode="numeric"
          value={form.retryAttempts}
          onChange={(e) => update({ retryAttempts: e.target.value })}
          errors={errors.retryAttempts}
          hint="1 to 10. Empty: the definition's retry strategy."
        />
        <TextField
          label="Attempt timeout (seconds)"
          inputMode="numeric"
          value={form.timeoutSeconds}
          onChange={(e) => update({ timeoutSeconds: e.target.value })}
          errors={errors.timeoutSeconds}
          hint="At least 60."
        />
      </div>
      <ExitRules form={form} update={update} errors={errors.evaluateOnExit} />
    </Section>
  );
}

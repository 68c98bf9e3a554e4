import { TextField } from "@/components/ui/field";
import { Dependencies } from "./dependencies";
import { Section, type SectionProps } from "./section";

/** One job or an array of them, and the jobs it waits for. */
export function ArraySection({ orgId, form, update, errors }: SectionProps & { orgId: string }) {
  return (
    <Section title="Array and dependencies">
      <TextField
        className="max-w-xs"
        label="Array size"
        inputMode="numeric"
        value={form.arraySize}
        onChange={(e) => update({ arraySize: e.target.value })}
        errors={errors.arraySize}
        hint="Leave empty for a single job; 2 to 10,000 children."
      />
      <Dependencies orgId={orgId} form={form} update={update} errors={errors.dependsOn} />
    </Section>
  );
}

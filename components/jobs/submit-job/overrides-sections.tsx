import { Alert } from "@/components/ui/alert";
import { FieldErrors, TextField } from "@/components/ui/field";
import { TextArea } from "@/components/ui/text-area";
import { PairRows } from "../rows-editor";
import type { RevisionHints } from "./options";
import { Section, type SectionProps } from "./section";

/** Parameter values, with the definition's defaults as the hint. */
export function ParametersSection({
  form,
  update,
  errors,
  hints,
}: SectionProps & { hints: RevisionHints | undefined }) {
  return (
    <Section title="Parameters">
      <PairRows
        legend="Parameter values"
        hint={
          hints && Object.keys(hints.parameters).length
            ? `Defaults: ${Object.entries(hints.parameters)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}. Used as Ref::name in the command.`
            : "Substituted for Ref::name in the command."
        }
        rows={form.parameters}
        keyName="name"
        valueName="value"
        keyLabel="Parameter name"
        valueLabel="Parameter value"
        addLabel="Add parameter"
        errors={errors.parameters}
        onChange={(parameters) => update({ parameters })}
      />
    </Section>
  );
}

/**
 * The command, environment and resources this job runs with instead of the definition's; a
 * warning (not a refusal) when no environment of the queue could ever run what it asks for.
 */
export function ContainerOverridesSection({
  form,
  update,
  errors,
  fitWarning,
}: SectionProps & { fitWarning: string | null }) {
  return (
    <Section title="Container overrides">
      <TextArea
        label="Command override"
        rows={4}
        value={form.command}
        onChange={(e) => update({ command: e.target.value })}
        errors={errors.command}
        hint="One argument per line (no shell unless you call one), or a JSON array. Empty: the definition's command."
      />
      <PairRows
        legend="Environment overrides"
        rows={form.environment}
        keyName="name"
        valueName="value"
        keyLabel="Variable name"
        valueLabel="Variable value"
        addLabel="Add variable"
        errors={errors.environment}
        onChange={(environment) => update({ environment })}
      />
      <div className="grid gap-3 sm:grid-cols-3" data-field="resources">
        <TextField
          label="vCPUs"
          inputMode="decimal"
          value={form.vcpus}
          onChange={(e) => update({ vcpus: e.target.value })}
        />
        <TextField
          label="Memory (MiB)"
          inputMode="numeric"
          value={form.memory}
          onChange={(e) => update({ memory: e.target.value })}
        />
        <TextField
          label="GPUs"
          inputMode="numeric"
          value={form.gpus}
          onChange={(e) => update({ gpus: e.target.value })}
        />
      </div>
      <FieldErrors id="resources-err" errors={errors.resources} />
      {fitWarning ? <Alert tone="warning">{fitWarning}</Alert> : null}
    </Section>
  );
}

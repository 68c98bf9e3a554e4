import { SelectField, TextField } from "@/components/ui/field";
import type { DefinitionOption, QueueOption, RevisionHints } from "./options";
import { Section, type SectionProps } from "./section";

/** Name, queue, definition and revision: what runs and where. */
export function JobSection({
  form,
  update,
  errors,
  queues,
  definition,
  queue,
  definitions,
  hints,
}: SectionProps & {
  queues: QueueOption[];
  definitions: DefinitionOption[];
  /** The chosen queue and definition, when they are among the options. */
  queue: QueueOption | undefined;
  definition: DefinitionOption | undefined;
  /** The chosen revision's (the latest active one's when none is chosen). */
  hints: RevisionHints | undefined;
}) {
  return (
    <Section title="Job">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Job name"
          value={form.jobName}
          onChange={(e) => update({ jobName: e.target.value })}
          errors={errors.jobName}
          maxLength={128}
          hint="Letters, numbers, hyphens and underscores."
        />
        <SelectField
          label="Job queue"
          value={form.jobQueue}
          onChange={(e) => update({ jobQueue: e.target.value })}
          errors={errors.jobQueue}
        >
          <option value="">Choose a queue…</option>
          {queues.map((q) => (
            <option key={q.name} value={q.name}>
              {q.name}
              {q.state !== "ENABLED" ? " (disabled)" : ""}
            </option>
          ))}
          {form.jobQueue && !queue ? <option value={form.jobQueue}>{form.jobQueue}</option> : null}
        </SelectField>
        <SelectField
          label="Job definition"
          value={form.jobDefinitionName}
          onChange={(e) => update({ jobDefinitionName: e.target.value, jobDefinitionRevision: "" })}
          errors={errors.jobDefinition}
        >
          <option value="">Choose a definition…</option>
          {definitions.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
          {form.jobDefinitionName && !definition ? (
            <option value={form.jobDefinitionName}>{form.jobDefinitionName}</option>
          ) : null}
        </SelectField>
        <SelectField
          label="Revision"
          value={form.jobDefinitionRevision}
          onChange={(e) => update({ jobDefinitionRevision: e.target.value })}
        >
          <option value="">Latest active</option>
          {(definition?.revisions ?? []).map((r) => (
            <option key={r} value={String(r)}>
              {r}
            </option>
          ))}
          {form.jobDefinitionRevision && !definition?.revisions.includes(Number(form.jobDefinitionRevision)) ? (
            <option value={form.jobDefinitionRevision}>{form.jobDefinitionRevision}</option>
          ) : null}
        </SelectField>
      </div>
      {hints ? (
        <p className="text-xs text-slate-500">
          Runs <code className="rounded bg-slate-100 px-1">{hints.command.join(" ") || "(no command)"}</code>
        </p>
      ) : null}
    </Section>
  );
}

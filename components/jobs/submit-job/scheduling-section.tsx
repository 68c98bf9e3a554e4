import { TextField } from "@/components/ui/field";
import { PairRows } from "../rows-editor";
import type { QueueOption } from "./options";
import { Section, type SectionProps } from "./section";

/** Fair-share identifier, priority override and tags. */
export function SchedulingSection({ form, update, errors, queue }: SectionProps & { queue: QueueOption | undefined }) {
  return (
    <Section title="Scheduling and tags">
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          label="Share identifier"
          value={form.shareIdentifier}
          onChange={(e) => update({ shareIdentifier: e.target.value })}
          errors={errors.shareIdentifier}
          hint={queue?.fairShare ? "Required: this queue shares capacity fairly." : "Only for fair-share queues."}
        />
        <TextField
          label="Scheduling priority override"
          inputMode="numeric"
          value={form.schedulingPriorityOverride}
          onChange={(e) => update({ schedulingPriorityOverride: e.target.value })}
          errors={errors.schedulingPriorityOverride}
          hint={
            queue && !queue.fairShare
              ? "Counts only in fair-share queues: this queue runs jobs first in, first out."
              : "0 to 9999; higher runs first within its share (fair-share queues only)."
          }
        />
      </div>
      <PairRows
        legend="Tags"
        rows={form.tags}
        keyName="key"
        valueName="value"
        keyLabel="Tag key"
        valueLabel="Tag value"
        addLabel="Add tag"
        errors={errors.tags}
        onChange={(tags) => update({ tags })}
      />
    </Section>
  );
}

"use client";

import { useId, useState } from "react";
import { SelectField } from "@/components/ui/field";
import { TextArea } from "@/components/ui/text-area";
import { JOB_STATUSES } from "@/lib/batch/states";
import { jobEventPattern } from "./pattern";

export interface QueueOption {
  name: string;
  arn: string;
}

/**
 * The event pattern: a builder for the common cases (which queues, which statuses) that writes
 * its JSON into the editor below it, and the editor itself for everything else. Changing the
 * builder rewrites the editor; what the form submits is the editor's text.
 */
export function PatternEditor({
  queues,
  value,
  onChange,
  errors,
}: {
  queues: QueueOption[];
  value: string;
  onChange: (pattern: string) => void;
  errors?: string[];
}) {
  const [jobQueues, setJobQueues] = useState<string[]>([]);
  const [statuses, setStatuses] = useState<string[]>([]);
  const statusesId = useId();
  const build = (next: { jobQueues?: string[]; statuses?: string[] }) => {
    const q = next.jobQueues ?? jobQueues;
    const s = next.statuses ?? statuses;
    setJobQueues(q);
    setStatuses(s);
    onChange(jobEventPattern({ jobQueues: q, statuses: s }));
  };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="space-y-4">
        <SelectField
          label="Job queues"
          multiple
          size={Math.min(Math.max(queues.length, 2), 6)}
          value={jobQueues}
          onChange={(e) => build({ jobQueues: Array.from(e.target.selectedOptions, (o) => o.value) })}
        >
          {queues.map((q) => (
            <option key={q.arn} value={q.arn}>
              {q.name}
            </option>
          ))}
        </SelectField>
        <p className="-mt-3 text-xs text-slate-500">None chosen: jobs of any queue. Ctrl- or ⌘-click for several.</p>
        <fieldset aria-describedby={`${statusesId}-hint`}>
          <legend className="mb-1 text-sm font-medium text-slate-700">Job statuses</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {JOB_STATUSES.map((s) => (
              <label key={s} className="inline-flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  checked={statuses.includes(s)}
                  onChange={(e) =>
                    build({
                      statuses: e.target.checked
                        ? JOB_STATUSES.filter((x) => x === s || statuses.includes(x))
                        : statuses.filter((x) => x !== s),
                    })
                  }
                />
                {s}
              </label>
            ))}
          </div>
          <p id={`${statusesId}-hint`} className="mt-1 text-xs text-slate-500">
            None chosen: every change of status.
          </p>
        </fieldset>
      </div>
      <div>
        <TextArea
          label="Event pattern"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          rows={12}
          dense
          required
          errors={errors}
          hint={
            <>
              EventBridge&apos;s pattern language, matched against each job&apos;s &ldquo;Batch Job State Change&rdquo;
              event (its <code>detail</code> is the job as DescribeJobs shows it). Edit freely: this text is what is
              saved.
            </>
          }
        />
      </div>
    </div>
  );
}

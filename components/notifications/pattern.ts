// The rule form's pattern builder: the common cases (these queues, these statuses) as an
// EventBridge event pattern for AWS Batch's "Batch Job State Change" events. Pure; the form
// writes the result into its JSON editor, and what is submitted is whatever the editor holds.
import { BATCH_JOB_STATE_CHANGE } from "@/lib/automation/job-event";

export function jobEventPattern({ jobQueues, statuses }: { jobQueues: string[]; statuses: string[] }): string {
  const detail = {
    ...(jobQueues.length > 0 ? { jobQueue: jobQueues } : {}),
    ...(statuses.length > 0 ? { status: statuses } : {}),
  };
  return JSON.stringify(
    {
      source: ["aws.batch"],
      "detail-type": [BATCH_JOB_STATE_CHANGE],
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    },
    null,
    2,
  );
}

/** A stored pattern laid out for reading; as stored when it is not JSON (it always is). */
export function prettyPattern(pattern: string): string {
  try {
    return JSON.stringify(JSON.parse(pattern), null, 2);
  } catch {
    return pattern;
  }
}

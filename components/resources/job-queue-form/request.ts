// The job queue form's values as the CreateJobQueue or UpdateJobQueue request, and the server's
// field errors back onto the form's fields.
import { TRANSITIONS } from "@/lib/batch/states";
import { numberField } from "@/lib/console/field-errors";
import type { JobQueueFormValues } from "@/lib/console/job-queue-values";

export type Field = "name" | "priority" | "state" | "environments" | "schedulingPolicyArn" | "timeLimits";

/** The form's label for each request field a message names (lib/console/field-errors.ts inLabels). */
export const JOB_QUEUE_LABELS = {
  jobQueueName: "Name",
  jobQueue: "Job queue",
  priority: "Priority",
  computeEnvironmentOrder: "Compute environments",
  "computeEnvironmentOrder.computeEnvironment": "Compute environment",
  "computeEnvironmentOrder.order": "Environment order",
  schedulingPolicyArn: "Scheduling policy",
  jobStateTimeLimitActions: "Cancel jobs stuck RUNNABLE",
  "jobStateTimeLimitActions.reason": "Time limit reason",
  "jobStateTimeLimitActions.maxTimeSeconds": "Time limit seconds",
} as const;

export function fieldFor(path: string, message: string): Field | "_" {
  if (path === "jobQueueName") return "name";
  if (path === "priority") return "priority";
  if (path === "state") return "state";
  if (path.startsWith("computeEnvironmentOrder")) return "environments";
  if (path.startsWith("schedulingPolicyArn")) return "schedulingPolicyArn";
  if (path.startsWith("jobStateTimeLimitActions")) return "timeLimits";
  if (message.includes("computeEnvironmentOrder")) return "environments";
  return "_";
}

export function queueRequest(mode: "create" | "edit", values: JobQueueFormValues, initial: JobQueueFormValues) {
  return {
    ...(mode === "create" ? { jobQueueName: values.name.trim() } : { jobQueue: initial.name }),
    priority: numberField(values.priority),
    state: values.state,
    computeEnvironmentOrder: values.environments.map((name, i) => ({ order: i + 1, computeEnvironment: name })),
    ...(values.schedulingPolicyArn && !(mode === "edit" && values.schedulingPolicyArn === initial.schedulingPolicyArn)
      ? { schedulingPolicyArn: values.schedulingPolicyArn }
      : {}),
    ...(mode === "edit" || values.timeLimits.length
      ? {
          jobStateTimeLimitActions: values.timeLimits.map((t) => ({
            reason: t.reason,
            // The one state AWS allows, the one the engine's timeLimitCancel move acts on.
            state: TRANSITIONS.timeLimitCancel.from[0],
            maxTimeSeconds: numberField(t.maxTimeSeconds),
            action: "CANCEL",
          })),
        }
      : {}),
  };
}

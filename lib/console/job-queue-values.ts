// The job queue form's values, and how a described queue fills them (server pages build the
// initial values; the client form edits them).

export interface TimeLimitRow {
  reason: string;
  maxTimeSeconds: string;
}

export interface JobQueueFormValues {
  name: string;
  priority: string;
  state: "ENABLED" | "DISABLED";
  /** Compute environment names, first tried first. */
  environments: string[];
  /** Scheduling policy ARN; "" for a FIFO queue. */
  schedulingPolicyArn: string;
  timeLimits: TimeLimitRow[];
}

export const EMPTY_JOB_QUEUE: JobQueueFormValues = {
  name: "",
  priority: "1",
  state: "ENABLED",
  environments: [],
  schedulingPolicyArn: "",
  timeLimits: [],
};

/**
 * The environments the queue is created with: those added, and one chosen in "Add compute
 * environment" but not added yet (what the person plainly meant), while there is room.
 */
export function environmentsToSubmit(added: readonly string[], chosen: string, max = 3): string[] {
  return chosen && !added.includes(chosen) && added.length < max ? [...added, chosen] : [...added];
}

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export function jobQueueValuesFromDetail(detail: Record<string, unknown>): JobQueueFormValues {
  const order = [...((detail.computeEnvironmentOrder ?? []) as { order: number; computeEnvironment: string }[])].sort(
    (a, b) => a.order - b.order,
  );
  const limits = (detail.jobStateTimeLimitActions ?? []) as { reason: string; maxTimeSeconds: number }[];
  return {
    name: String(detail.jobQueueName),
    priority: String(detail.priority),
    state: detail.state === "DISABLED" ? "DISABLED" : "ENABLED",
    environments: order.map((o) => lastSegment(o.computeEnvironment)),
    schedulingPolicyArn: typeof detail.schedulingPolicyArn === "string" ? detail.schedulingPolicyArn : "",
    timeLimits: limits.map((l) => ({ reason: l.reason, maxTimeSeconds: String(l.maxTimeSeconds) })),
  };
}

export { lastSegment };

/** A described queue as the list shows it; policy names come from the organization's policies. */
export function jobQueueRow(detail: Record<string, unknown>, policyNames: Map<string, string>) {
  const order = [...((detail.computeEnvironmentOrder ?? []) as { order: number; computeEnvironment: string }[])].sort(
    (a, b) => a.order - b.order,
  );
  const policyArn = typeof detail.schedulingPolicyArn === "string" ? detail.schedulingPolicyArn : null;
  return {
    name: String(detail.jobQueueName),
    arn: String(detail.jobQueueArn),
    priority: Number(detail.priority),
    state: String(detail.state),
    status: String(detail.status),
    statusReason: typeof detail.statusReason === "string" ? detail.statusReason : undefined,
    environments: order.map((o) => lastSegment(o.computeEnvironment)),
    schedulingPolicy: policyArn ? (policyNames.get(policyArn) ?? lastSegment(policyArn)) : null,
  };
}

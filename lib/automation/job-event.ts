// The EventBridge envelope AWS Batch sends when a job changes state ("Batch Job State Change"):
// the detail is the job exactly as DescribeJobs returns it, and the job's ARN is the one resource.

export const BATCH_JOB_STATE_CHANGE = "Batch Job State Change";

/** A job as DescribeJobs returns it (`JobDetail`, or the same shape read back from JSON). */
export type DescribedJob = { readonly jobArn: string } | Record<string, unknown>;

export interface JobStateChangeInput<J extends DescribedJob> {
  /** The event's own id, a UUID. */
  id: string;
  time: Date;
  region: string;
  account: string;
  job: J;
}

export interface JobStateChangeEvent<J extends DescribedJob> {
  version: "0";
  id: string;
  "detail-type": typeof BATCH_JOB_STATE_CHANGE;
  source: "aws.batch";
  account: string;
  /** ISO 8601 in UTC to the second, as EventBridge writes it: "2027-01-01T09:00:00Z". */
  time: string;
  region: string;
  resources: [string];
  detail: J;
}

export function jobStateChangeEvent<J extends DescribedJob>(input: JobStateChangeInput<J>): JobStateChangeEvent<J> {
  const { job } = input;
  const jobArn: unknown = job.jobArn;
  // A job without its ARN is a bug in the caller, not something a user can fix.
  if (typeof jobArn !== "string") throw new TypeError("jobStateChangeEvent: the job has no jobArn.");
  return {
    version: "0",
    id: input.id,
    "detail-type": BATCH_JOB_STATE_CHANGE,
    source: "aws.batch",
    account: input.account,
    time: eventTime(input.time),
    region: input.region,
    resources: [jobArn],
    detail: job,
  };
}

/** EventBridge times carry no milliseconds. */
function eventTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

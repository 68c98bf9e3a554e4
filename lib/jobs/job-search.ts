// What a person pastes into the job list's search box: a job id (a UUID, or an array child's
// `<uuid>:<index>`), a job ARN (`arn:aws:batch:<region>:<account>:job/<id>`, as the AWS console
// and CLI print it), or the start of a job name. Pure, so the browser and the server read the
// box the same way.

/** A job id as Batch hands them out: a UUID, and for an array child its index after a colon. */
const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?::\d{1,5})?$/i;
/** A job ARN in any partition and region; the id after `job/` is checked as above. */
const JOB_ARN_RE = /^arn:aws[a-z-]*:batch:[a-z0-9-]*:\d{12}:job\/(.+)$/;

export type JobSearch = { kind: "id"; jobId: string } | { kind: "name"; prefix: string };

/** The job id in `text` when it is one (or a job ARN holding one), else null. */
export function jobIdOf(text: string): string | null {
  const t = text.trim();
  const id = JOB_ARN_RE.exec(t)?.[1] ?? t;
  return JOB_ID_RE.test(id) ? id.toLowerCase() : null;
}

/** The search box read: a job id or ARN finds that job; anything else is the start of a name. */
export function parseJobSearch(text: string): JobSearch | null {
  const t = text.trim();
  if (!t) return null;
  const jobId = jobIdOf(t);
  return jobId ? { kind: "id", jobId } : { kind: "name", prefix: t.replace(/\*+$/, "") };
}

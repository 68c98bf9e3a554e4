import Link from "next/link";
import { JobStatus, TERMINAL_STATUSES } from "@/lib/batch/states";
import { computeEnvironmentHref, jobQueueHref } from "@/lib/console/links";
import type { JobExplanation, JobWaitReason } from "@/lib/jobs/explain-job";
import { runningVcpuQuotaSentence } from "@/lib/quotas/engine-quota-words";
import { StatusBadge } from "./status-badge";

const RESOURCE: Record<string, { name: string; unit: (n: number) => string }> = {
  VCPU: { name: "vCPUs", unit: (n) => `${n.toLocaleString("en-US")} vCPU${n === 1 ? "" : "s"}` },
  MEMORY: { name: "memory", unit: (n) => `${n.toLocaleString("en-US")} MiB` },
  GPU: { name: "GPUs", unit: (n) => `${n.toLocaleString("en-US")} GPU${n === 1 ? "" : "s"}` },
};

const named = "font-semibold underline hover:text-amber-800";

/** An environment's name, linked to its row of the compute environments list. */
function Environment({ name }: { name: string }) {
  return (
    <Link href={computeEnvironmentHref(name)} className={named}>
      {name}
    </Link>
  );
}

/** A queue's name, linked to its page. */
function Queue({ name }: { name: string }) {
  return (
    <Link href={jobQueueHref(name)} className={named}>
      {name}
    </Link>
  );
}

function Reason({ reason }: { reason: JobWaitReason }) {
  switch (reason.kind) {
    case "DEPENDENCY":
      return (
        <>
          It waits for {reason.jobs.length === 1 ? "this job" : `these ${reason.jobs.length} jobs`} to succeed first:
          <ul className="mt-1 space-y-1">
            {reason.jobs.map((j) => (
              <li key={j.jobId} className="flex flex-wrap items-center gap-2">
                <Link
                  href={`/jobs/${encodeURIComponent(j.jobId)}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {j.jobName}
                </Link>
                <code className="text-xs text-slate-500">{j.jobId}</code>
                <StatusBadge status={j.status} />
              </li>
            ))}
          </ul>
        </>
      );
    case "ARRAY_CHILDREN": {
      const done = TERMINAL_STATUSES.reduce((n, s) => n + (reason.summary[s] ?? 0), 0);
      return (
        <>
          This is an array job: it never runs itself, and finishes when its {reason.size} children have ({done} of{" "}
          {reason.size} finished so far).
        </>
      );
    }
    case "QUEUE_DISABLED":
      return (
        <>
          Its job queue <Queue name={reason.queue} /> is disabled: nothing in it starts until an admin enables the
          queue.
        </>
      );
    case "NO_ENVIRONMENT":
      return (
        <>
          Job queue <Queue name={reason.queue} /> has no compute environment to run jobs on.
        </>
      );
    case "ENVIRONMENT_DISABLED":
      return (
        <>
          Compute environment <Environment name={reason.environment} /> is disabled, so nothing is placed on it.
        </>
      );
    case "NO_EXECUTOR":
      return reason.wanted ? (
        <>
          Compute environment <Environment name={reason.environment} /> runs jobs in {reason.wanted}s (tag{" "}
          <code>batchdeck:executor</code>), and the engine has no {reason.wanted} executor
          {reason.reason ? `: ${reason.reason}` : ""}. Nothing is placed on it until that changes.
        </>
      ) : (
        <>
          Compute environment <Environment name={reason.environment} /> names no executor, and this hosted install runs
          jobs only in containers, which the engine cannot start{reason.reason ? `: ${reason.reason}` : ""}. An admin
          can install a container runtime, or tag the environment <code>batchdeck:executor=process</code>.
        </>
      );
    case "NEVER_FITS":
      return (
        <>
          Compute environment <Environment name={reason.environment} /> can never run it:{" "}
          {reason.resources
            .map(
              (r) =>
                `it asks for ${RESOURCE[r.resource]?.unit(r.requested)} but the environment has at most ${RESOURCE[r.resource]?.unit(r.max)}`,
            )
            .join("; ")}
          .
        </>
      );
    case "UNSATISFIABLE":
      return (
        <strong>
          No compute environment of queue <Queue name={reason.queue} /> is large enough for this job, so it will wait
          forever. Cancel it and submit it with smaller resource requirements, or ask an admin to enlarge an
          environment.
        </strong>
      );
    case "RESOURCE_SHORT":
      return (
        <>
          Not enough {RESOURCE[reason.resource]?.name} free on <Environment name={reason.environment} /> right now: it
          needs {RESOURCE[reason.resource]?.unit(reason.requested)}; {RESOURCE[reason.resource]?.unit(reason.free ?? 0)}{" "}
          of {RESOURCE[reason.resource]?.unit(reason.max)} are free. It starts when running jobs finish.
        </>
      );
    case "HOST_SHORT":
      return (
        <>
          The engine's machine is full: its environment has room, but jobs of other environments hold the machine. It
          needs {RESOURCE[reason.resource]?.unit(reason.requested)}; {RESOURCE[reason.resource]?.unit(reason.free ?? 0)}{" "}
          of the {RESOURCE[reason.resource]?.unit(reason.max)} the machine hands out are free. It starts when running
          jobs finish.
        </>
      );
    case "QUOTA_RUNNING_VCPUS":
      return reason.never ? <strong>{runningVcpuQuotaSentence(reason)}</strong> : runningVcpuQuotaSentence(reason);
    case "CONSUMABLE_RESOURCE":
      return (
        <>
          It needs {reason.requested.toLocaleString("en-US")} of consumable resource <strong>{reason.resource}</strong>,
          and {reason.available.toLocaleString("en-US")} {reason.available === 1 ? "is" : "are"} available now. It
          starts when running jobs that hold it finish, or when its total is raised.
        </>
      );
    case "POSITION":
      return (
        <>
          It is {reason.approximate ? "about " : ""}number <strong>{reason.position.toLocaleString("en-US")}</strong>
          {reason.runnable === null
            ? " in line among the runnable jobs of its queue."
            : ` of ${reason.runnable.toLocaleString("en-US")} runnable jobs in its queue.`}
        </>
      );
    case "NEXT":
      return <>It is first in line and fits: the engine should start it within moments.</>;
    case "BEHIND_FRONT":
      return (
        <>
          It is not among the first {reason.shown.toLocaleString("en-US")} jobs AWS Batch reports at the front of queue{" "}
          <Queue name={reason.queue} />: more runnable jobs are ahead of it.
        </>
      );
    case "ENVIRONMENT_INVALID":
      return (
        <>
          Compute environment <Environment name={reason.environment} /> is INVALID, so AWS Batch cannot scale it
          {reason.reason ? `: ${reason.reason}` : "."}
        </>
      );
    case "STATUS_REASON":
      return <>AWS Batch says: “{reason.reason}”</>;
  }
}

/** "Why isn't this job running yet?": the reasons explainJob found, in plain words. */
export function WhyPanel({ explanation }: { explanation: JobExplanation }) {
  const { reasons, status } = explanation;
  return (
    <section
      aria-labelledby="why-title"
      className="rounded-lg bg-amber-50 p-4 ring-1 ring-amber-200"
      data-testid="why-not-running"
    >
      <h2 id="why-title" className="text-sm font-semibold text-amber-900">
        Why isn’t this job running yet?
      </h2>
      {reasons.length === 0 ? (
        <p className="mt-2 text-sm text-amber-900">
          {status === JobStatus.SUBMITTED
            ? "It has just been submitted and is being queued."
            : "Nothing holds it back: the engine should start it shortly."}
        </p>
      ) : (
        <ul className="mt-2 list-disc space-y-2 pl-5 text-sm text-amber-950">
          {reasons.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: reasons are recomputed as a whole
            <li key={i} data-reason={r.kind}>
              <Reason reason={r} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

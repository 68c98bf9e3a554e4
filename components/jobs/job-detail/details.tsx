import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { arnName, computeEnvironmentHref, jobDefinitionHref, jobQueueHref } from "@/lib/console/links";
import type { ArrayRun } from "@/lib/jobs/array-run";
import type { JobView } from "@/lib/jobs/console-job-view";
import { Elapsed, RelativeTime } from "../time";
import { containerOf } from "./container";

const link = "text-indigo-700 hover:underline";

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd className="mt-0.5 text-sm text-slate-800 break-words">{children}</dd>
    </div>
  );
}

/**
 * Where the job runs (its queue, definition and, once placed, environment, each a link to its
 * place in the console), what it asked for, and the settings it was submitted with.
 */
export function JobDetails({
  job,
  requested,
  environment,
  arrayRun,
}: {
  job: JobDetail;
  requested: JobView["explanation"]["requested"];
  /** The compute environment it was placed on, where the backend says (the built-in engine). */
  environment?: string;
  /** An array's run, from its children (an array's own row never runs). */
  arrayRun?: ArrayRun;
}) {
  const run = arrayRun ?? (job.startedAt ? { startedAt: job.startedAt, stoppedAt: job.stoppedAt } : undefined);
  const queue = arnName(job.jobQueue);
  const definition = arnName(job.jobDefinition);
  return (
    <Card title="Details" className="lg:col-span-2">
      <dl className="grid gap-4 sm:grid-cols-2">
        <Item term="Queue">
          <Link href={jobQueueHref(queue)} className={link}>
            {queue}
          </Link>
        </Item>
        <Item term="Definition">
          <Link href={jobDefinitionHref(definition)} className={link}>
            {definition}
          </Link>
        </Item>
        {environment ? (
          <Item term="Compute environment">
            <Link href={computeEnvironmentHref(environment)} className={link}>
              {environment}
            </Link>
          </Item>
        ) : null}
        <Item term="Requested">
          {requested.vcpus} vCPU · {requested.memoryMiB.toLocaleString("en-US")} MiB
          {requested.gpus ? ` · ${requested.gpus} GPU` : ""}
        </Item>
        <Item term="Image">{containerOf(job).image || "—"}</Item>
        <Item term="Created">
          <RelativeTime ms={job.createdAt} />
        </Item>
        <Item term="Run time">
          {run ? <Elapsed from={run.startedAt} to={run.stoppedAt} /> : "not started"}
          {arrayRun ? <span className="text-slate-500"> (first child's start to last child's end)</span> : null}
        </Item>
        <Item term="Status reason">{job.statusReason ?? "—"}</Item>
        <Item term="Retry strategy">
          {job.retryStrategy ? `${job.retryStrategy.attempts} attempt(s)` : "1 attempt"}
          {job.retryStrategy?.evaluateOnExit?.length ? `, ${job.retryStrategy.evaluateOnExit.length} exit rule(s)` : ""}
        </Item>
        <Item term="Timeout">{job.timeout ? `${job.timeout.attemptDurationSeconds} s per attempt` : "none"}</Item>
        <Item term="Share · priority">
          {job.shareIdentifier ?? "—"} · {job.schedulingPriority}
        </Item>
        <Item term="Tags">
          {Object.keys(job.tags).length
            ? Object.entries(job.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")
            : "—"}
        </Item>
        {job.arrayProperties?.index !== undefined ? (
          <Item term="Array child">
            index {job.arrayProperties.index} of{" "}
            <Link href={`/jobs/${encodeURIComponent(job.jobId.slice(0, job.jobId.lastIndexOf(":")))}`} className={link}>
              its array job
            </Link>
          </Item>
        ) : null}
      </dl>
    </Card>
  );
}

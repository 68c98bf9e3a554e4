"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type ReactNode, useState, useTransition } from "react";
import { stopJobsAction } from "@/app/(console)/jobs/actions";
import { jobQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { isCancellable, isTerminal, JobStatus } from "@/lib/batch/states";
import type { JobView } from "@/lib/jobs/console-job-view";
import { queryKeys } from "@/lib/query-keys";
import { ArrayChildren } from "./array-children";
import { AttemptExecution } from "./attempt-execution";
import { ConfirmDialog } from "./confirm-dialog";
import { DependencyGraph } from "./dependency-graph";
import { StatusBadge } from "./status-badge";
import { Elapsed, RelativeTime, utc } from "./time";
import { WhyPanel } from "./why-panel";

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

/** An argument vector as a shell would need it typed, for reading (it runs without a shell). */
const shellQuote = (args: string[]) =>
  args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

interface TimelineEvent {
  at?: number;
  label: string;
  detail?: string;
  status?: string;
}

/** Each transition the job's record lets us date: submission, each attempt, the end. */
function timeline(job: JobDetail): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: job.createdAt, label: "Submitted", status: JobStatus.SUBMITTED }];
  if (job.dependsOn.length > 0) events.push({ label: "Waited on its dependencies", status: JobStatus.PENDING });
  job.attempts.forEach((a, i) => {
    if (a.startedAt) events.push({ at: a.startedAt, label: `Attempt ${i + 1} started`, status: JobStatus.RUNNING });
    if (a.stoppedAt) {
      const code = a.container.exitCode;
      events.push({
        at: a.stoppedAt,
        label: `Attempt ${i + 1} ended`,
        detail: [code !== undefined ? `exit code ${code}` : null, a.container.reason ?? a.statusReason]
          .filter(Boolean)
          .join(" · "),
      });
    }
  });
  if (isTerminal(job.status)) {
    events.push({
      at: job.stoppedAt,
      label: job.status === JobStatus.SUCCEEDED ? "Succeeded" : "Failed",
      status: job.status,
      detail: job.statusReason,
    });
  } else {
    events.push({ label: `Now ${job.status}`, status: job.status });
  }
  return events;
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd className="mt-0.5 text-sm text-slate-800 break-words">{children}</dd>
    </div>
  );
}

export function JobDetailView({
  orgId,
  initial,
  canStopAny,
  canSubmit,
}: {
  orgId: string;
  initial: JobView;
  canStopAny: boolean;
  canSubmit: boolean;
}) {
  const queryClient = useQueryClient();
  const jobId = initial.job.jobId;
  const view = useQuery({ ...jobQueries.detail(orgId, jobId), initialData: initial });
  const { job, explanation, upstream, downstream, moreDownstream, downstreamUnavailable } = view.data ?? initial;
  const [stopKind, setStopKind] = useState<"CANCEL" | "TERMINATE" | null>(null);
  const [reason, setReason] = useState("Stopped from the console");
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const mayStop = canStopAny || explanation.submittedByCaller;
  const terminal = isTerminal(job.status);
  const container = job.container as {
    command?: string[];
    environment?: { name: string; value: string }[];
    image?: string;
  };

  const stop = () =>
    startTransition(async () => {
      if (!stopKind) return;
      const result = await stopJobsAction({ jobIds: [jobId], kind: stopKind, reason });
      setStopKind(null);
      if (!result.ok) {
        setNotice({ tone: "error", text: result.fieldErrors?.reason?.join(" ") ?? result.error });
      } else if (result.data.refused) {
        setNotice({ tone: "error", text: result.data.message ?? "The job could not be stopped." });
      } else {
        setNotice({
          tone: "success",
          text: stopKind === "CANCEL" ? "Cancel requested." : "Terminate requested: the job stops in a moment.",
        });
      }
      await queryClient.invalidateQueries({ queryKey: queryKeys.jobs(orgId) });
    });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm">
            <Link href="/jobs" className="text-indigo-700 hover:underline">
              Jobs
            </Link>{" "}
            /
          </p>
          <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold text-slate-900">
            <span className="break-all">{job.jobName}</span>
            <StatusBadge status={job.status} />
          </h1>
          <p className="mt-1 font-mono text-xs text-slate-500">{job.jobId}</p>
          {job.statusReason ? <p className="mt-1 text-sm text-slate-700">{job.statusReason}</p> : null}
        </div>
        <div className="flex flex-wrap gap-2">
          {mayStop && isCancellable(job.status) ? (
            <Button variant="danger" onClick={() => setStopKind("CANCEL")}>
              Cancel job
            </Button>
          ) : null}
          {mayStop && !terminal ? (
            <Button variant="danger" onClick={() => setStopKind("TERMINATE")}>
              Terminate job
            </Button>
          ) : null}
          {canSubmit ? (
            <Link
              href={`/jobs/new?from=${encodeURIComponent(jobId)}`}
              className="inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
            >
              Submit again
            </Link>
          ) : null}
        </div>
      </div>
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      {view.isError ? <Alert>Live updates paused: {view.error.message} Retrying…</Alert> : null}
      {explanation.waiting ? <WhyPanel explanation={explanation} /> : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Timeline" className="lg:col-span-1">
          <ol className="relative space-y-3 border-l border-slate-200 pl-4" aria-label="Timeline">
            {timeline(job).map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is rebuilt whole
              <li key={i} className="text-sm">
                <span className="absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full bg-indigo-200 ring-2 ring-white" />
                <div className="font-medium text-slate-800">{e.label}</div>
                {e.at ? (
                  <div className="text-xs text-slate-500">
                    {utc(e.at)} (<RelativeTime ms={e.at} />)
                  </div>
                ) : null}
                {e.detail ? <div className="text-xs text-slate-600">{e.detail}</div> : null}
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Details" className="lg:col-span-2">
          <dl className="grid gap-4 sm:grid-cols-2">
            <Item term="Queue">{lastSegment(job.jobQueue)}</Item>
            <Item term="Definition">{lastSegment(job.jobDefinition)}</Item>
            <Item term="Requested">
              {explanation.requested.vcpus} vCPU · {explanation.requested.memoryMiB.toLocaleString("en-US")} MiB
              {explanation.requested.gpus ? ` · ${explanation.requested.gpus} GPU` : ""}
            </Item>
            <Item term="Image">{container.image || "—"}</Item>
            <Item term="Created">
              <RelativeTime ms={job.createdAt} />
            </Item>
            <Item term="Run time">
              {job.startedAt ? <Elapsed from={job.startedAt} to={job.stoppedAt} /> : "not started"}
            </Item>
            <Item term="Retry strategy">
              {job.retryStrategy ? `${job.retryStrategy.attempts} attempt(s)` : "1 attempt"}
              {job.retryStrategy?.evaluateOnExit?.length
                ? `, ${job.retryStrategy.evaluateOnExit.length} exit rule(s)`
                : ""}
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
                <Link
                  href={`/jobs/${encodeURIComponent(job.jobId.slice(0, job.jobId.lastIndexOf(":")))}`}
                  className="text-indigo-700 hover:underline"
                >
                  its array job
                </Link>
              </Item>
            ) : null}
          </dl>
        </Card>
      </div>

      <Card title={`Attempts (${job.attempts.length})`}>
        <Table
          label="Attempts"
          className="min-w-[48rem]"
          columns={[
            { header: "#" },
            { header: "Started" },
            { header: "Stopped" },
            { header: "Duration" },
            { header: "Exit code" },
            { header: "Reason" },
            { header: "Ran as" },
            { header: "Log stream" },
          ]}
          rows={job.attempts}
          // Attempts are numbered by their place.
          rowKey={(_a, i) => String(i)}
          rowClassName="align-top"
          ruledHeader
          empty={
            job.arrayProperties?.size !== undefined
              ? "An array job runs through its children; see their attempts below."
              : "No attempt yet: the job has not started."
          }
          renderRow={(a, i) => (
            <>
              <td className="py-2 pr-4">{i + 1}</td>
              <td className="py-2 pr-4">{a.startedAt ? utc(a.startedAt) : "—"}</td>
              <td className="py-2 pr-4">{a.stoppedAt ? utc(a.stoppedAt) : "running"}</td>
              <td className="py-2 pr-4">{a.startedAt ? <Elapsed from={a.startedAt} to={a.stoppedAt} /> : "—"}</td>
              <td className="py-2 pr-4">{a.container.exitCode ?? "—"}</td>
              <td className="py-2 pr-4">{a.container.reason ?? a.statusReason ?? "—"}</td>
              <td className="py-2 pr-4">
                <AttemptExecution enforced={a.enforcedLimits} />
              </td>
              <td className="py-2">
                <div className="font-mono text-xs break-all text-slate-600">{a.container.logStreamName ?? "—"}</div>
                <Link
                  href={`/jobs/${encodeURIComponent(jobId)}/logs?attempt=${i + 1}`}
                  className="text-xs font-medium text-indigo-700 hover:underline"
                >
                  Logs of attempt {i + 1}
                </Link>
              </td>
            </>
          )}
        />
      </Card>

      {job.arrayProperties?.size !== undefined ? (
        <Card title={`Children (${job.arrayProperties.size})`}>
          <ArrayChildren
            orgId={orgId}
            jobId={jobId}
            size={job.arrayProperties.size}
            summary={job.arrayProperties.statusSummary ?? {}}
            live={!terminal}
          />
        </Card>
      ) : null}

      <Card title="Command and environment">
        <p className="mb-1 text-xs text-slate-500">
          As it runs: the definition's command with overrides applied and parameters substituted (no shell).
        </p>
        <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="job-command">
          {shellQuote(container.command ?? [])}
        </pre>
        {Object.keys(job.parameters).length ? (
          <p className="mt-2 text-xs text-slate-600">
            Parameters:{" "}
            {Object.entries(job.parameters)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")}
          </p>
        ) : null}
        <h3 className="mt-4 mb-1 text-sm font-semibold text-slate-800">Environment</h3>
        {container.environment?.length ? (
          <div className="overflow-x-auto">
            <table className="text-left text-sm">
              <tbody>
                {container.environment.map((e) => (
                  <tr key={e.name} className="border-t border-slate-100">
                    <th scope="row" className="py-1 pr-4 font-mono text-xs font-medium">
                      {e.name}
                    </th>
                    <td className="py-1 font-mono text-xs break-all">{e.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-600">No variables besides the AWS_BATCH_* ones every job gets.</p>
        )}
      </Card>

      <Card title="Dependencies">
        <DependencyGraph
          job={{ jobId, jobName: job.jobName, status: job.status }}
          upstream={upstream}
          downstream={downstream}
          moreDownstream={moreDownstream}
          downstreamUnavailable={downstreamUnavailable}
        />
      </Card>

      <ConfirmDialog
        open={stopKind !== null}
        title={`${stopKind === "CANCEL" ? "Cancel" : "Terminate"} ${job.jobName}?`}
        confirmLabel={stopKind === "CANCEL" ? "Cancel job" : "Terminate job"}
        pending={pending}
        onConfirm={stop}
        onClose={() => setStopKind(null)}
      >
        <p className="text-sm text-slate-600">
          {stopKind === "CANCEL"
            ? "If it has not started, it fails with your reason; if it is already starting or running, it keeps running."
            : "It fails now; if it is running, its process is stopped (SIGTERM, then SIGKILL)."}
          {job.arrayProperties?.size !== undefined ? " Every child of the array is stopped too." : ""}
        </p>
        <div>
          <label htmlFor="stop-reason" className="mb-1 block text-sm font-medium text-slate-700">
            Reason
          </label>
          <input
            id="stop-reason"
            value={reason}
            maxLength={1024}
            onChange={(e) => setReason(e.target.value)}
            className="block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500"
          />
        </div>
      </ConfirmDialog>
    </div>
  );
}

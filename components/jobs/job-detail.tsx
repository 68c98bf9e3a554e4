"use client";

// A job's page, live while the job can still change: the header with what the reader may do,
// why it is not running yet, the live tail of its latest attempt's output, its timeline and
// details, attempts, an array's children, the command as it runs, and its dependencies. The
// parts are in ./job-detail/.
import { useQuery } from "@tanstack/react-query";
import { jobQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { isTerminal, JobStatus } from "@/lib/batch/states";
import type { JobView } from "@/lib/jobs/console-job-view";
import { ArrayChildren } from "./array-children";
import { DependencyGraph } from "./dependency-graph";
import { JobAttempts } from "./job-detail/attempts";
import { JobCommand } from "./job-detail/command";
import { JobDetails } from "./job-detail/details";
import { JobHeader } from "./job-detail/header";
import { JobOutput } from "./job-detail/output";
import { ResubmitFailedChildren } from "./job-detail/resubmit-failed-children";
import { StopJobDialog, useStopJob } from "./job-detail/stop-job";
import { JobTimeline } from "./job-detail/timeline";
import { WhyPanel } from "./why-panel";

export function JobDetailView({
  orgId,
  initial,
  canStopAny,
  canSubmit,
  logsRemoved = false,
  builtin = true,
}: {
  orgId: string;
  initial: JobView;
  canStopAny: boolean;
  canSubmit: boolean;
  /** The job's logs were deleted by the organization's retention or log-bytes quota. */
  logsRemoved?: boolean;
  /** The organization runs on the built-in engine (not AWS Batch). */
  builtin?: boolean;
}) {
  const jobId = initial.job.jobId;
  const view = useQuery({ ...jobQueries.detail(orgId, jobId), initialData: initial });
  const { job, explanation, upstream, downstream, moreDownstream, downstreamPartial, arrayRun } = view.data ?? initial;
  const stopJob = useStopJob(orgId, jobId);
  const arraySize = job.arrayProperties?.size;
  const failedChildren = job.arrayProperties?.statusSummary?.[JobStatus.FAILED] ?? 0;

  return (
    <div className="space-y-6">
      <JobHeader
        job={job}
        mayStop={canStopAny || explanation.submittedByCaller}
        canSubmit={canSubmit}
        onStop={stopJob.choose}
      />
      {stopJob.notice ? <Alert tone={stopJob.notice.tone}>{stopJob.notice.text}</Alert> : null}
      {view.isError ? <Alert>Live updates paused: {view.error.message} Retrying…</Alert> : null}
      {explanation.waiting ? <WhyPanel explanation={explanation} /> : null}

      <JobOutput job={job} logsRemoved={logsRemoved} />

      <div className="grid gap-6 lg:grid-cols-3">
        <JobTimeline job={job} />
        <JobDetails
          job={job}
          requested={explanation.requested}
          environment={explanation.environment}
          {...(arrayRun ? { arrayRun } : {})}
        />
      </div>

      <JobAttempts job={job} />

      {arraySize !== undefined ? (
        <Card title={`Children (${arraySize})`}>
          {canSubmit && failedChildren > 0 && isTerminal(job.status) ? (
            <div className="mb-4">
              <ResubmitFailedChildren jobId={jobId} failed={failedChildren} builtin={builtin} />
            </div>
          ) : null}
          <ArrayChildren
            orgId={orgId}
            jobId={jobId}
            size={arraySize}
            summary={job.arrayProperties?.statusSummary ?? {}}
            live={!isTerminal(job.status)}
          />
        </Card>
      ) : null}

      <JobCommand job={job} />

      <Card title="Dependencies">
        <DependencyGraph
          job={{ jobId, jobName: job.jobName, status: job.status }}
          upstream={upstream}
          downstream={downstream}
          moreDownstream={moreDownstream}
          downstreamPartial={downstreamPartial}
        />
      </Card>

      <StopJobDialog stopJob={stopJob} jobName={job.jobName} isArray={arraySize !== undefined} />
    </div>
  );
}

import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { AttemptExecution } from "../attempt-execution";
import { AbsoluteTime, Elapsed } from "../time";

/** Each attempt's run, how it ended, what it ran as, and a link to its logs. */
export function JobAttempts({ job }: { job: JobDetail }) {
  return (
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
            <td className="py-2 pr-4">{a.startedAt ? <AbsoluteTime ms={a.startedAt} /> : "—"}</td>
            <td className="py-2 pr-4">{a.stoppedAt ? <AbsoluteTime ms={a.stoppedAt} /> : "running"}</td>
            <td className="py-2 pr-4">{a.startedAt ? <Elapsed from={a.startedAt} to={a.stoppedAt} /> : "—"}</td>
            <td className="py-2 pr-4">{a.container.exitCode ?? "—"}</td>
            <td className="py-2 pr-4">{a.container.reason ?? a.statusReason ?? "—"}</td>
            <td className="py-2 pr-4">
              <AttemptExecution enforced={a.enforcedLimits} />
            </td>
            <td className="py-2">
              <div className="font-mono text-xs break-all text-slate-600">{a.container.logStreamName ?? "—"}</div>
              <Link
                href={`/jobs/${encodeURIComponent(job.jobId)}/logs?attempt=${i + 1}`}
                className="text-xs font-medium text-indigo-700 hover:underline"
              >
                Logs of attempt {i + 1}
              </Link>
            </td>
          </>
        )}
      />
    </Card>
  );
}

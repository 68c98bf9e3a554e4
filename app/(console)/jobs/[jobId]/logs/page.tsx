import clsx from "clsx";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JobLogsHeader } from "@/components/logs/job-logs-header";
import { LogViewer } from "@/components/logs/log-viewer";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { loadJobView } from "@/lib/jobs/console-job-view";
import { logsRemoved } from "@/lib/logs/logs-removed";

export const metadata: Metadata = { title: "Job logs" };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default backendPage(async function JobLogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ jobId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await pageContext();
  const jobId = decode((await params).jobId);
  const raw = (await searchParams).attempt;
  const asked = typeof raw === "string" && /^\d{1,3}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
  const backend = await backendFor(ctx);
  // The job page's data: the header shows the job's status live from the same query.
  const view = await loadJobView(backend, ctx, jobId);
  if (!view) notFound();
  const { job } = view;
  // One line is enough to learn which attempts exist and which one is shown.
  const first = await backend.getLogEvents(ctx, { jobId, attempt: asked, limit: 1 });
  const attempt = first.attempt;
  const removed = backend.kind === "builtin" && (await logsRemoved(ctx, job));
  return (
    <>
      <JobLogsHeader orgId={ctx.organizationId} initial={view} attempt={attempt} />
      {first.attempts.length > 1 ? (
        <nav aria-label="Attempts" className="mb-4 flex flex-wrap gap-2 text-sm">
          {first.attempts.map((n) => (
            <Link
              key={n}
              href={`/jobs/${encodeURIComponent(jobId)}/logs?attempt=${n}`}
              aria-current={n === attempt ? "page" : undefined}
              className={clsx(
                "rounded-md px-3 py-1 ring-1",
                n === attempt
                  ? "bg-indigo-50 font-medium text-indigo-800 ring-indigo-200"
                  : "text-slate-700 ring-slate-300 hover:bg-slate-50",
              )}
            >
              Attempt {n}
            </Link>
          ))}
        </nav>
      ) : null}
      <LogViewer key={attempt ?? "waiting"} jobId={jobId} attempt={attempt} removed={removed} />
    </>
  );
});

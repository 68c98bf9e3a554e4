import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobDetailView } from "@/components/jobs/job-detail";
import { can } from "@/lib/auth/permissions";
import { pageContext } from "@/lib/auth/request";
import { backendFor } from "@/lib/backends";
import { backendPage } from "@/lib/console/backend-page";
import { loadJobView } from "@/lib/jobs/console-job-view";
import { logsRemoved } from "@/lib/logs/logs-removed";

export const metadata: Metadata = { title: "Job" };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default backendPage(async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const ctx = await pageContext();
  const jobId = decode((await params).jobId);
  const backend = await backendFor(ctx);
  const view = await loadJobView(backend, ctx, jobId);
  if (!view) notFound();
  return (
    <JobDetailView
      orgId={ctx.organizationId}
      initial={view}
      canStopAny={can(ctx.role, "jobs.stopAny")}
      canSubmit={can(ctx.role, "jobs.submit")}
      logsRemoved={backend.kind === "builtin" && (await logsRemoved(ctx, view.job))}
      builtin={backend.kind === "builtin"}
    />
  );
});

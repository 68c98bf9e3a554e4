// Finding jobs to depend on (the submit form's dependency picker), read as the job list's search
// box reads it (lib/jobs/job-search.ts): a job id, an array child's id or a job ARN finds that
// job; anything else finds the newest jobs whose name starts with it.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";
import { parseJobSearch } from "@/lib/jobs/job-search";

export const dynamic = "force-dynamic";

const query = z.object({ q: z.string().max(200).default("") });

export const GET = orgRoute({ permission: "resources.view", query }, async ({ ctx, query: { q } }) => {
  const search = parseJobSearch(q);
  if (!search) return { jobs: [] };
  const backend = await backendFor(ctx);
  const found =
    search.kind === "id"
      ? (await backend.describeJobs(ctx, { jobs: [search.jobId] })).jobs
      : search.prefix
        ? (await backend.listJobsForConsole(ctx, { status: "ALL", name: `${search.prefix}*`, limit: 10 })).jobs
        : [];
  return {
    jobs: found.map((j) => ({
      jobId: j.jobId,
      jobName: j.jobName,
      status: j.status,
      arraySize: j.arrayProperties?.size,
    })),
  };
});

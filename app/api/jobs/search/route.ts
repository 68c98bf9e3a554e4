// Finding jobs to depend on, by id or by the start of their name (the submit form's
// dependency picker): an exact id first, then the newest jobs whose name starts with the term.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";

export const dynamic = "force-dynamic";

const query = z.object({ q: z.string().max(200).default("") });

export const GET = orgRoute({ permission: "resources.view", query }, async ({ ctx, query: { q } }) => {
  const term = q.trim();
  if (!term) return { jobs: [] };
  const backend = await backendFor(ctx);
  const [byId, byName] = await Promise.all([
    backend.describeJobs(ctx, { jobs: [term] }),
    backend.listJobsForConsole(ctx, { status: "ALL", name: `${term.replace(/\*+$/, "")}*`, limit: 10 }),
  ]);
  const seen = new Set<string>();
  const jobs = [];
  for (const j of [...byId.jobs, ...byName.jobs]) {
    if (seen.has(j.jobId)) continue;
    seen.add(j.jobId);
    jobs.push({ jobId: j.jobId, jobName: j.jobName, status: j.status, arraySize: j.arrayProperties?.size });
  }
  return { jobs };
});

// What a schedule fire submits through: the organization's backend, exactly as /v1 SubmitJob
// would (the same validation per backend), and DescribeJobs for the overlap policy.
import { API_OPERATIONS } from "@/lib/api/operations";
import { parseApiInput } from "@/lib/api/parse-input";
import { backendFor } from "@/lib/backends";
import type { Db } from "@/lib/db";
import type { FireDeps } from "./schedule-fire";

export function backendFireDeps(db: Db): FireDeps {
  const submitJob = API_OPERATIONS.SubmitJob!;
  return {
    db,
    submit: async (ctx, target) => {
      const result = (await submitJob.run(ctx, parseApiInput(submitJob.input, target))) as { jobId: string };
      return { jobId: result.jobId };
    },
    jobStatus: async (ctx, jobId) => {
      const backend = await backendFor(ctx);
      const { jobs } = await backend.describeJobs(ctx, { jobs: [jobId] });
      return jobs[0]?.status ?? null;
    },
  };
}

import { z } from "zod";

/** The [jobId] segment of the console's job routes (app/api/jobs/[jobId]/…). */
export const jobRouteParams = z.object({ jobId: z.string().min(1).max(256) });

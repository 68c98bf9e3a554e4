// Live jobs-per-status counts per job queue, polled by the job queues page.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";

export const GET = orgRoute({ permission: "resources.view", query: z.object({}) }, async ({ ctx }) =>
  (await backendFor(ctx)).jobQueueCounts(ctx),
);

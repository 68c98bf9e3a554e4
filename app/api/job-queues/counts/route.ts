// Live jobs-per-status counts per job queue, polled by the job queues page.
import { z } from "zod";
import { backendFor } from "@/lib/backends";
import { orgRoute } from "@/lib/auth/route";

export const GET = orgRoute({ permission: "resources.view", query: z.object({}) }, async (_req, ctx) =>
  (await backendFor(ctx)).jobQueueCounts(ctx),
);

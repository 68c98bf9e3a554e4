// Live capacity in use per compute environment, polled by the compute environments page.
import { z } from "zod";
import { backendFor } from "@/lib/backends";
import { orgRoute } from "@/lib/auth/route";

export const GET = orgRoute({ permission: "resources.view", query: z.object({}) }, async (_req, ctx) =>
  (await backendFor(ctx)).computeEnvironmentUsage(ctx),
);

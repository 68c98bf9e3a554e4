// Live capacity in use per compute environment, polled by the compute environments page.
import { z } from "zod";
import { orgRoute } from "@/lib/auth/route";
import { backendFor } from "@/lib/backends";

export const GET = orgRoute({ permission: "resources.view", query: z.object({}) }, async ({ ctx }) =>
  (await backendFor(ctx)).computeEnvironmentUsage(ctx),
);

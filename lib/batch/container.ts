// The container as it will run, stored on each job (Job.container, JSON) at submission:
// the job definition's containerProperties with the submission's overrides applied and
// `Ref::name` parameters substituted. The engine reads only this; it never goes back to the
// definition, so re-registering a definition cannot change a job already submitted.
import { z } from "zod";

export const resolvedContainerSchema = z.object({
  image: z.string(),
  /** Argument vector; no shell unless the command itself calls one. */
  command: z.array(z.string()),
  environment: z.array(z.object({ name: z.string(), value: z.string() })),
  vcpus: z.number().positive(),
  memoryMiB: z.number().int().positive(),
  gpus: z.number().int().min(0),
  /** Fields that mean nothing on the built-in engine but are kept and shown (jobRoleArn, …). */
  extra: z.record(z.string(), z.unknown()).default({}),
});

export type ResolvedContainer = z.infer<typeof resolvedContainerSchema>;

export function parseResolvedContainer(json: string): ResolvedContainer {
  return resolvedContainerSchema.parse(JSON.parse(json));
}

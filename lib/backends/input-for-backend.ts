// Validation per backend. Where AWS accepts shapes the built-in engine cannot run (multi-node,
// EKS and ECS-properties definitions and overrides, SageMaker Training queues, quota-share
// policies), the /v1 registry and the server actions validate with AWS's schema at the door
// (lib/batch/shapes: `…AwsInput`) and, once the organization's backend is known, call this: an
// AWS organization's request goes on as it is, for AWS to validate the rest; a built-in
// organization's is checked again with the built-in engine's schema, which refuses those fields
// by name. `parse` is the caller's own, so each answers in its own error shape.
import type { z } from "zod";
import type { BatchBackend } from "./types";

export function inputForBackend<S extends z.ZodType>(
  backend: Pick<BatchBackend, "kind">,
  builtinSchema: S,
  input: unknown,
  parse: (schema: S, raw: unknown) => z.output<S>,
): z.output<S> {
  return backend.kind === "aws" ? (input as z.output<S>) : parse(builtinSchema, input);
}

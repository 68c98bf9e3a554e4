// Validation for /v1 requests: the first problem as a ClientException, named by its field.
// Used by the /v1 handler and, for a built-in organization, by the registry's second check
// with the built-in engine's schema (operations.ts).
import type { z } from "zod";
import { findUnstorableText } from "@/lib/text-input";
import { clientError } from "./errors";

/** The first problem, named by its field unless the message already names it. */
export function parseApiInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const unstorable = findUnstorableText(raw);
  if (unstorable) {
    throw clientError(
      unstorable.path.length ? `${unstorable.path.join(".")}: ${unstorable.message}` : unstorable.message,
    );
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const message = issue?.message ?? "Invalid input.";
  const path = issue?.path.map(String) ?? [];
  const named = path.length === 0 || message.includes(path[path.length - 1] as string);
  throw clientError(named ? message : `${path.join(".")}: ${message}`);
}

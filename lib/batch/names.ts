// AWS Batch resource names (compute environments, queues, scheduling policies, job definitions)
// share one rule: 1–128 letters, numbers, hyphens and underscores. The messages say exactly which
// part of the rule a name breaks, because "invalid name" alone sends people guessing.
import { z } from "zod";

export const NAME_MAX_LENGTH = 128;
const ALLOWED = /^[A-Za-z0-9_-]+$/;

/** Returns what is wrong with a resource name, or null when it is acceptable. */
export function nameProblem(value: string, label = "Name"): string | null {
  if (value.length === 0) return `${label} must not be empty.`;
  if (value.length > NAME_MAX_LENGTH) {
    return `${label} must be at most ${NAME_MAX_LENGTH} characters long (got ${value.length}).`;
  }
  if (!ALLOWED.test(value)) {
    const bad = [...new Set([...value].filter((c) => !/[A-Za-z0-9_-]/.test(c)))];
    const shown = bad.map((c) => (c === " " ? "space" : JSON.stringify(c))).join(", ");
    return `${label} can contain only letters, numbers, hyphens (-) and underscores (_); found ${shown}.`;
  }
  return null;
}

/** zod schema for a resource name, with the message from nameProblem. */
export const resourceName = (label: string) =>
  z.string({ message: `${label} is required.` }).superRefine((value, ctx) => {
    const problem = nameProblem(value, label);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

// Tags as AWS Batch takes them on every taggable resource and in TagResource/UntagResource/
// ListTagsForResource: a map of at most 50 entries, keys 1–128 characters, values 0–256, and
// the "aws:" prefix reserved for AWS.
import { z } from "zod";
import { awsList } from "./common";

export const MAX_TAGS = 50;

export function tagKeyProblem(key: string): string | null {
  if (key.length < 1 || key.length > 128) return `Tag key "${key}" must be 1 to 128 characters long.`;
  if (key.toLowerCase().startsWith("aws:")) return `Tag key "${key}" uses the reserved prefix "aws:".`;
  return null;
}

export function tagValueProblem(key: string, value: string): string | null {
  if (value.length > 256) return `Tag value for "${key}" must be at most 256 characters long.`;
  return null;
}

/** A tag map of 0–50 entries (resources may be created without tags). */
export const tagsSchema = z
  .record(z.string(), z.string({ message: "Tag values must be strings." }), {
    message: "tags must be a map of tag keys to values.",
  })
  .superRefine((tags, ctx) => {
    const entries = Object.entries(tags);
    if (entries.length > MAX_TAGS) {
      ctx.addIssue({ code: "custom", message: `A resource can have at most ${MAX_TAGS} tags; got ${entries.length}.` });
    }
    for (const [key, value] of entries) {
      const problem = tagKeyProblem(key) ?? tagValueProblem(key, value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, path: [key] });
    }
  });

export type Tags = Record<string, string>;

export const tagResourceInput = z.object({
  resourceArn: z.string({ message: "resourceArn is required." }).min(1, "resourceArn is required."),
  tags: tagsSchema.refine((t) => Object.keys(t).length >= 1, "tags must have at least 1 entry."),
});

export const untagResourceInput = z.object({
  resourceArn: z.string({ message: "resourceArn is required." }).min(1, "resourceArn is required."),
  tagKeys: awsList(
    "tagKeys",
    z.string().superRefine((key, ctx) => {
      const problem = tagKeyProblem(key);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    MAX_TAGS,
    1,
  ),
});

export const listTagsForResourceInput = z.object({
  resourceArn: z.string({ message: "resourceArn is required." }).min(1, "resourceArn is required."),
});

export type TagResourceInput = z.infer<typeof tagResourceInput>;
export type UntagResourceInput = z.infer<typeof untagResourceInput>;
export type ListTagsForResourceInput = z.infer<typeof listTagsForResourceInput>;

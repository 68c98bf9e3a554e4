// Settings → Secrets: what a secret's name (names.ts), value and description may be, and what the
// console is told about one.
import { z } from "zod";
import { SECRET_NAME_PATTERN, SECRET_NAME_RULE } from "./names";

/** Secrets Manager's limit for a SecretString. */
export const MAX_SECRET_VALUE_BYTES = 65_536;
export const MAX_SECRET_DESCRIPTION = 2_048;

export const secretNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(255, "The name must be at most 255 characters long.")
  .regex(SECRET_NAME_PATTERN, `A secret's name is ${SECRET_NAME_RULE}.`);

// Never trimmed or otherwise changed: the job receives exactly what was entered. The messages
// never quote the value.
const secretValueSchema = z
  .string()
  .min(1, "Enter a value.")
  .refine((v) => Buffer.byteLength(v, "utf8") <= MAX_SECRET_VALUE_BYTES, {
    message: `The value must be at most ${MAX_SECRET_VALUE_BYTES.toLocaleString("en-US")} bytes.`,
  });

export const putOrgSecretInput = z.object({
  name: secretNameSchema,
  value: secretValueSchema,
  /** Absent on a replace keeps the current description. */
  description: z
    .string()
    .trim()
    .max(MAX_SECRET_DESCRIPTION, `The description must be at most ${MAX_SECRET_DESCRIPTION} characters long.`)
    .optional(),
  /**
   * create: refused when the name exists (the console's "Add", so a typo cannot overwrite);
   * replace: refused when it does not (a row's "Replace value"); upsert: either.
   */
  mode: z.enum(["create", "replace", "upsert"]).optional().default("upsert"),
});
export type PutOrgSecretInput = z.input<typeof putOrgSecretInput>;
/** What putOrgSecret takes: the validated input, mode optional (upsert) for callers without a form. */
export type PutOrgSecretOptions = Omit<z.output<typeof putOrgSecretInput>, "mode"> & {
  mode?: z.output<typeof putOrgSecretInput>["mode"];
};

export const deleteOrgSecretInput = z.object({ name: secretNameSchema });
export type DeleteOrgSecretInput = z.output<typeof deleteOrgSecretInput>;

/** What anyone in the organization may see of a secret: never its value. */
export interface OrgSecretSummary {
  name: string;
  description: string;
  createdAt: Date;
  createdByEmail: string | null;
  updatedAt: Date;
  updatedByEmail: string | null;
}

// Server actions report validation errors by the zod path of the request field
// ("computeResources.maxvCpus"); a console form groups them under its own fields. Errors no
// field claims go under "_" and are shown above the form, so none is ever dropped.
export function groupErrors<F extends string>(
  fieldErrors: Record<string, string[]> | undefined,
  fieldFor: (path: string, message: string) => F | "_",
): Partial<Record<F | "_", string[]>> {
  const out: Partial<Record<F | "_", string[]>> = {};
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    for (const message of messages) {
      const field = fieldFor(path, message);
      out[field] = [...(out[field] ?? []), message];
    }
  }
  return out;
}

/** A number input's value as the request carries it: a number when it reads as one, else the text, so
 * the server's message names the bad value; undefined when empty. */
export function numberField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

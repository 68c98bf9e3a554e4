// Server actions report validation errors by the zod path of the request field
// ("computeResources.maxvCpus"); a console form groups them under its own fields. Errors no
// field claims go under "_" and are shown above the form, so none is ever dropped. Messages
// name request fields as AWS spells them ("computeEnvironmentName must not be empty."); a form
// shows them in its own labels ("Name must not be empty.") through `inLabels`.

/** A form's label for each request field a message may name: `{ "timeout.attemptDurationSeconds": "Attempt timeout (seconds)" }`. */
export type FieldLabels = Readonly<Record<string, string>>;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The message with every request field it names replaced by the form's label. Only whole names
 * are replaced (not "maxvCpus" inside "computeResources.maxvCpus" unless that path is mapped
 * too), the longest first, so a path wins over its last segment.
 */
export function inLabels(message: string, labels: FieldLabels): string {
  let out = message;
  for (const name of Object.keys(labels).sort((a, b) => b.length - a.length)) {
    const label = labels[name] as string;
    out = out.replace(new RegExp(`(?<![\\w.:])${escapeRegExp(name)}(?![\\w])`, "g"), label);
  }
  return out;
}

export function groupErrors<F extends string>(
  fieldErrors: Record<string, string[]> | undefined,
  fieldFor: (path: string, message: string) => F | "_",
  labels?: FieldLabels,
): Partial<Record<F | "_", string[]>> {
  const out: Partial<Record<F | "_", string[]>> = {};
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    for (const message of messages) {
      const field = fieldFor(path, message);
      out[field] = [...(out[field] ?? []), labels ? inLabels(message, labels) : message];
    }
  }
  return out;
}

/** One line of a form's error summary: the field's label (null for an error of the whole form) and its messages. */
export interface SummaryItem {
  field: string | null;
  label: string | null;
  messages: string[];
}

/**
 * A form's errors (grouped by its fields, "_" for the whole form) as its error summary lists
 * them: the whole form's first, then each field in the order `fields` gives (the form's own
 * order, so the first item is the first invalid field on the page), then fields it does not list.
 */
export function summaryItems(
  errors: Partial<Record<string, string[]>>,
  fields: readonly (readonly [field: string, label: string])[],
): SummaryItem[] {
  const out: SummaryItem[] = [];
  const general = errors._ ?? [];
  if (general.length) out.push({ field: null, label: null, messages: general });
  const listed = new Set<string>(["_"]);
  for (const [field, label] of fields) {
    listed.add(field);
    const messages = errors[field];
    if (messages?.length) out.push({ field, label, messages });
  }
  for (const [field, messages] of Object.entries(errors)) {
    if (!listed.has(field) && messages?.length) out.push({ field, label: null, messages });
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

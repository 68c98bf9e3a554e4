// Building blocks for the AWS request schemas, with messages worded the way AWS's own
// validation words them, so a caller who knows AWS recognises the error.
import { z } from "zod";

/**
 * The bad value as an error message quotes it: strings and numbers as JSON, cut short; arrays and
 * objects by their kind only, since stringifying a 100,000-deep array overflows the stack (a 500
 * that tests/integration/bad-input.test.ts found) and a megabyte of it helps nobody.
 */
export function quoteValue(input: unknown): string {
  if (typeof input === "string") {
    return input.length > 64 ? `${JSON.stringify(input.slice(0, 64))}...` : JSON.stringify(input);
  }
  if (Array.isArray(input)) return "an array";
  if (typeof input === "object" && input !== null) return "an object";
  return String(input);
}

/** An enum whose error names the bad value and the allowed set, as AWS's validator does. */
export function awsEnum<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  return z.enum(values, {
    error: (issue) =>
      `Value ${quoteValue(issue.input)} at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(", ")}]`,
  });
}

/** An integer within [min, max] (either bound optional), with a message that names the field. */
export function awsInt(field: string, min?: number, max?: number) {
  const range =
    min !== undefined && max !== undefined
      ? `between ${min} and ${max}`
      : min !== undefined
        ? `at least ${min}`
        : max !== undefined
          ? `at most ${max}`
          : "";
  const message = `${field} must be an integer${range ? ` ${range}` : ""}.`;
  // AWS's Integer is 32-bit, and so are the Int columns these values land in on PostgreSQL:
  // a larger value is the caller's error, not a database failure.
  let schema = z
    .number({ message })
    .int(message)
    .min(INT32_MIN, `${field} must be a 32-bit integer (at least ${INT32_MIN}).`)
    .max(INT32_MAX, `${field} must be a 32-bit integer (at most ${INT32_MAX}).`);
  if (min !== undefined) schema = schema.min(min, message);
  if (max !== undefined) schema = schema.max(max, message);
  return schema;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A number (not necessarily whole) within [min, max]. */
export function awsNumber(field: string, min: number, max: number) {
  const message = `${field} must be a number between ${min} and ${max}.`;
  return z.number({ message }).min(min, message).max(max, message);
}

export function awsString(field: string, max: number, min = 0) {
  const tooLong = `${field} must be at most ${max} characters long.`;
  const tooShort = min === 1 ? `${field} must not be empty.` : `${field} must be at least ${min} characters long.`;
  return z
    .string({ message: `${field} must be a string.` })
    .min(min, tooShort)
    .max(max, tooLong);
}

/** A list of at most `max` entries. */
export function awsList<T extends z.ZodType>(field: string, item: T, max: number, min = 0) {
  return z
    .array(item, { message: `${field} must be a list.` })
    .min(min, `${field} must have at least ${min} ${min === 1 ? "entry" : "entries"}.`)
    .max(max, `${field} can have at most ${max} entries.`);
}

/** An AWS string-to-string map (parameters, options). */
export const stringMap = (field: string) =>
  z.record(z.string(), z.string({ message: `${field} values must be strings.` }), {
    message: `${field} must be a map of strings to strings.`,
  });

/** Drops undefined values so stored JSON and responses carry only fields that were given. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Resource rows keep AWS structures as JSON text; a damaged value reads as the fallback. */
export function safeJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/**
 * Requests keep fields AWS accepts but the built-in backend ignores, stored as they came; this
 * cap keeps a malformed or hostile request from storing megabytes through them.
 */
export const MAX_STORED_REQUEST_BYTES = 64 * 1024;

/**
 * How deep a stored request may nest. AWS's deepest shapes (an EKS pod's containers' volume
 * mounts, a node range's container properties) are about ten levels; 64 leaves room for any
 * tags or extra fields a caller keeps. The cap is what keeps every stored request answerable:
 * the API writes its responses with a JSON.stringify replacer, which recurses through
 * JavaScript and overflows the stack near 2,200 levels, well before the plain stringify of the
 * size check does (near 4,200). A queue stored 3,000 deep passed the size check and then made
 * every DescribeJobQueues a 500 (found by tests/integration/bad-input.test.ts).
 */
export const MAX_STORED_NESTING = 64;

/** Whether `input` nests arrays and objects more than `limit` deep; walked without recursion. */
export function nestsDeeperThan(input: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[input, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, depth] = next;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The size of `input` as stored JSON, or null when it nests deeper than MAX_STORED_NESTING (or
 * too deeply to stringify at all: a body nested tens of thousands deep overflows the stack).
 * Such a request cannot be stored.
 */
export function jsonByteLength(input: unknown): number | null {
  if (nestsDeeperThan(input, MAX_STORED_NESTING)) return null;
  try {
    return Buffer.byteLength(JSON.stringify(input) ?? "", "utf8");
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

export function requestSizeProblem(input: unknown, limit = MAX_STORED_REQUEST_BYTES): string | null {
  const size = jsonByteLength(input);
  if (size === null) return `The request is nested too deeply to store: at most ${MAX_STORED_NESTING} levels.`;
  return size > limit ? `The request is ${size} bytes; at most ${limit} bytes are accepted.` : null;
}

// The input and paging conventions the EventBridge API's domain functions share (rules and
// targets in event-rules.ts, connections and API destinations in event-destinations.ts): fields
// whose messages name them, EventBridge's names, page tokens by name, ARNs, epoch seconds.
import { z } from "zod";
import type { Db } from "@/lib/db";
import { literalPrefix } from "@/lib/db/literal-prefix";
import { env } from "@/lib/env";
import { invalid } from "@/lib/errors";
import { findUnstorableText } from "@/lib/text-input";

export const eventsArn = (accountId: string, resource: string) =>
  `arn:aws:events:${env().BATCHDECK_AWS_REGION}:${accountId}:${resource}`;

/** A required string field, with messages that name it. */
export function text(field: string, max: number, min = 1) {
  return z
    .string({ error: (i) => (i.input === undefined ? `${field} is required.` : `${field} must be a string.`) })
    .min(min, min === 1 ? `${field} must not be empty.` : `${field} must be at least ${min} characters long.`)
    .max(max, `${field} must be at most ${max} characters long.`);
}

/** EventBridge's names (rules, targets, connections, API destinations): [.-_A-Za-z0-9]{1,64}. */
export const eventsName = (field: string) =>
  text(field, 64).regex(
    /^[.\-_A-Za-z0-9]+$/,
    `${field} can contain only letters, numbers, periods, hyphens and underscores.`,
  );

/** A whole number within bounds, with messages that name the field. */
export function wholeNumber(field: string, min: number, max: number) {
  const range = `${field} must be between ${min} and ${max}.`;
  return z
    .number({ error: `${field} must be a number.` })
    .int(`${field} must be a whole number.`)
    .min(min, range)
    .max(max, range);
}

export const limitField = wholeNumber("Limit", 1, 100).optional();
export const nextTokenField = text("NextToken", 2048).optional();

/** The input validated against an operation's schema; the first problem as INVALID_INPUT. */
export function parseEventsInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const unstorable = findUnstorableText(raw);
  if (unstorable) {
    throw invalid(unstorable.path.length ? `${unstorable.path.join(".")}: ${unstorable.message}` : unstorable.message);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const message = issue?.message ?? "Invalid input.";
  const path = issue?.path.map(String) ?? [];
  const named = path.length === 0 || message.includes(path[path.length - 1] as string);
  throw invalid(named ? message : `${path.join(".")}: ${message}`);
}

/** List pages go by name: the token names the last row of the page before. */
export const pageToken = (name: string) => Buffer.from(name, "utf8").toString("base64url");
export function afterToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const name = Buffer.from(token, "base64url").toString("utf8");
  if (name === "" || pageToken(name) !== token) throw invalid("NextToken is not valid.");
  return name;
}

/** Names after the page token and starting with the prefix, exactly, as EventBridge compares. */
export function nameWhere(db: Db, prefix: string | undefined, after: string | undefined) {
  if (!prefix && !after) return {};
  return { name: { ...(prefix ? literalPrefix(db, prefix) : {}), ...(after ? { gt: after } : {}) } };
}

/** A page of rows fetched with take: limit + 1, and the token for the next. */
export function pageOf<T extends { name: string }>(rows: T[], limit: number): { page: T[]; nextToken?: string } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return rows.length > limit && last ? { page, nextToken: pageToken(last.name) } : { page };
}

export const epochSeconds = (ms: bigint | number) => Number(ms) / 1000;

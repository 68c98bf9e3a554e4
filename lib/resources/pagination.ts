// nextToken for the resource Describe/List calls: an opaque keyset cursor (the last key
// returned), so pages neither skip nor repeat rows when others are created or deleted between
// calls. A token the caller made up or mangled is a client error, not a crash.
import { z } from "zod";
import { invalid } from "@/lib/errors";

export const maxResultsSchema = z
  .number({ message: "maxResults must be an integer." })
  .int("maxResults must be an integer.")
  .min(1, "maxResults must be between 1 and 100.")
  .max(100, "maxResults must be between 1 and 100.");

export const DEFAULT_PAGE_SIZE = 100;

export function encodeToken(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeToken<K extends Record<string, string | number>>(token: string, shape: z.ZodType<K>): K {
  try {
    return shape.parse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
  } catch {
    throw invalid("Invalid nextToken: pass back the nextToken of a previous response unchanged.");
  }
}

/** Splits a page fetched with take = limit + 1 into the rows to return and whether more exist. */
export function page<T>(rows: T[], limit: number): { items: T[]; more: boolean } {
  return rows.length > limit ? { items: rows.slice(0, limit), more: true } : { items: rows, more: false };
}

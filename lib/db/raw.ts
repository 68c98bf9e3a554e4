// Helpers for the few hot-path statements written as raw SQL ($queryRaw) instead of through
// Prisma's query builder, which spends more CPU compiling a query than running it.

/** A DateTime column as a raw row carries it: a Date (PostgreSQL), or text or epoch milliseconds (SQLite). */
export type RawDate = Date | string | number | bigint | null | undefined;

/** A raw DateTime value as a Date, or null when it is absent or unreadable. */
export function rawDate(value: RawDate): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(typeof value === "bigint" ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

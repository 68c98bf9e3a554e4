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

/** A NOT NULL DateTime column as a Date; an unreadable value is a broken row, not a null. */
export function rawDateRequired(value: RawDate, column: string): Date {
  const date = rawDate(value);
  if (!date) throw new Error(`${column}: unreadable DateTime ${String(value)}`);
  return date;
}

/** A Boolean column as a raw row carries it: a boolean (PostgreSQL) or 0 / 1 (SQLite). */
export type RawBoolean = boolean | number | bigint;

export const rawBoolean = (value: RawBoolean): boolean => value === true || Number(value) === 1;

// better-sqlite3's errors as Prisma's driver-adapter errors, mapped as
// @prisma/adapter-better-sqlite3 6.19 maps them (so a unique violation is still Prisma's P2002),
// and the lock errors that Batchdeck's adapter waits out instead of failing (sqlite-lock-wait.ts).
import { DriverAdapterError, type Error as MappedAdapterError } from "@prisma/driver-adapter-utils";

type SqliteError = Error & { code: string };

const isSqliteError = (error: unknown): error is SqliteError =>
  error instanceof Error && typeof (error as { code?: unknown }).code === "string";

/** The SQLite result code behind an error, raw from better-sqlite3 or mapped for Prisma. */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  if (typeof e?.cause?.originalCode === "string") return e.cause.originalCode;
  if (typeof e?.code === "string" && e.code.startsWith("SQLITE_")) return e.code;
  return undefined;
}

/**
 * Lock contention that a later try of the same statement can get past. Not SQLITE_BUSY_SNAPSHOT:
 * a transaction whose snapshot went stale can only succeed as a new transaction.
 */
export function isLockBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_RECOVERY" || code === "SQLITE_BUSY_TIMEOUT";
}

const constraintFields = (message: string) =>
  message
    .split("constraint failed: ")
    .at(1)
    ?.split(", ")
    .map((field) => field.split(".").pop() ?? field);

function mapped(error: SqliteError): MappedAdapterError | null {
  const base = { originalCode: error.code, originalMessage: error.message };
  switch (error.code) {
    case "SQLITE_BUSY":
      return { ...base, kind: "SocketTimeout" };
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY": {
      const fields = constraintFields(error.message);
      return { ...base, kind: "UniqueConstraintViolation", constraint: fields ? { fields } : undefined };
    }
    case "SQLITE_CONSTRAINT_NOTNULL": {
      const fields = constraintFields(error.message);
      return { ...base, kind: "NullConstraintViolation", constraint: fields ? { fields } : undefined };
    }
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
    case "SQLITE_CONSTRAINT_TRIGGER":
      return { ...base, kind: "ForeignKeyConstraintViolation", constraint: { foreignKey: {} } };
  }
  if (error.message.startsWith("no such table")) {
    return { ...base, kind: "TableDoesNotExist", table: error.message.split(": ").at(1) };
  }
  if (error.message.startsWith("no such column")) {
    return { ...base, kind: "ColumnNotFound", column: error.message.split(": ").at(1) };
  }
  if (error.message.includes("has no column named ")) {
    return { ...base, kind: "ColumnNotFound", column: error.message.split("has no column named ").at(1) };
  }
  return null;
}

/**
 * What the adapter throws for a failed statement: a DriverAdapterError where Prisma has a kind
 * for it, else the error as it came (Prisma reports those as they are).
 */
export function adapterError(error: unknown): unknown {
  if (!isSqliteError(error)) return error;
  const known = mapped(error);
  return known ? new DriverAdapterError(known) : error;
}

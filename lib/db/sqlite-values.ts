// Values between Prisma and better-sqlite3, converted as @prisma/adapter-better-sqlite3 6.19
// converts them, so the client reads the same results through Batchdeck's adapter
// (lib/db/sqlite-adapter.ts): arguments by their Prisma scalar type (dates as ISO 8601 text,
// booleans as 0/1), result columns typed by their declared type or, for expressions, by the
// first non-null value.
import { type ArgType, type ColumnType, ColumnTypeEnum } from "@prisma/driver-adapter-utils";

/** A column's declared type (`CREATE TABLE` text) as Prisma's column type; null when it has none. */
function declaredType(declType: string | null): ColumnType | null {
  if (declType === null) return null;
  switch (declType.toUpperCase()) {
    case "":
      return null;
    case "DECIMAL":
      return ColumnTypeEnum.Numeric;
    case "FLOAT":
      return ColumnTypeEnum.Float;
    case "DOUBLE":
    case "DOUBLE PRECISION":
    case "NUMERIC":
    case "REAL":
      return ColumnTypeEnum.Double;
    case "TINYINT":
    case "SMALLINT":
    case "MEDIUMINT":
    case "INT":
    case "INTEGER":
    case "SERIAL":
    case "INT2":
      return ColumnTypeEnum.Int32;
    case "BIGINT":
    case "UNSIGNED BIG INT":
    case "INT8":
      return ColumnTypeEnum.Int64;
    case "DATETIME":
    case "TIMESTAMP":
      return ColumnTypeEnum.DateTime;
    case "TIME":
      return ColumnTypeEnum.Time;
    case "DATE":
      return ColumnTypeEnum.Date;
    case "TEXT":
    case "CLOB":
    case "CHARACTER":
    case "VARCHAR":
    case "VARYING CHARACTER":
    case "NCHAR":
    case "NATIVE CHARACTER":
    case "NVARCHAR":
      return ColumnTypeEnum.Text;
    case "BLOB":
      return ColumnTypeEnum.Bytes;
    case "BOOLEAN":
      return ColumnTypeEnum.Boolean;
    case "JSONB":
      return ColumnTypeEnum.Json;
    default:
      return null;
  }
}

function inferredType(value: unknown): ColumnType {
  switch (typeof value) {
    case "string":
      return ColumnTypeEnum.Text;
    case "bigint":
      return ColumnTypeEnum.Int64;
    case "boolean":
      return ColumnTypeEnum.Boolean;
    case "number":
      return ColumnTypeEnum.UnknownNumber;
    default:
      if (value instanceof ArrayBuffer || value instanceof Uint8Array) return ColumnTypeEnum.Bytes;
      throw new Error(`unexpected SQLite value of type ${typeof value}`);
  }
}

/** Column types for a result: declared where the column has a type, else from the rows. */
export function columnTypes(declared: readonly (string | null)[], rows: readonly unknown[][]): ColumnType[] {
  return declared.map((decl, column) => {
    const type = declaredType(decl);
    if (type !== null) return type;
    for (const row of rows) {
      const value = row[column];
      if (value !== null && value !== undefined) return inferredType(value);
    }
    return ColumnTypeEnum.Int32;
  });
}

/** One raw row as Prisma reads it: bytes as arrays, 64-bit integers as text, dates as ISO text. */
export function resultRow(row: readonly unknown[], types: readonly ColumnType[]): unknown[] {
  return row.map((value, i) => {
    const type = types[i];
    if (value instanceof ArrayBuffer || value instanceof Uint8Array) return Array.from(new Uint8Array(value));
    if (
      typeof value === "number" &&
      (type === ColumnTypeEnum.Int32 || type === ColumnTypeEnum.Int64) &&
      !Number.isInteger(value)
    ) {
      return Math.trunc(value);
    }
    if ((typeof value === "number" || typeof value === "bigint") && type === ColumnTypeEnum.DateTime) {
      return new Date(Number(value)).toISOString();
    }
    if (typeof value === "bigint") return value.toString();
    return value;
  });
}

/** One query argument as better-sqlite3 binds it. */
export function bindValue(arg: unknown, argType: ArgType | undefined): unknown {
  if (arg === null) return null;
  const scalar = argType?.scalarType;
  if (typeof arg === "string") {
    if (scalar === "int") return Number.parseInt(arg, 10);
    if (scalar === "float" || scalar === "decimal") return Number.parseFloat(arg);
    if (scalar === "bigint") return BigInt(arg);
    if (scalar === "datetime") return isoText(new Date(arg));
    if (scalar === "bytes") return Buffer.from(arg, "base64");
  }
  if (typeof arg === "boolean") return arg ? 1 : 0;
  if (arg instanceof Date) return isoText(arg);
  if (Array.isArray(arg) && scalar === "bytes") return Buffer.from(arg);
  return arg;
}

// The stock adapter's default timestampFormat, "iso8601": what the existing rows hold.
export const isoText = (date: Date) => date.toISOString().replace("Z", "+00:00");

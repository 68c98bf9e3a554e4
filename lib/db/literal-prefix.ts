// "Starts with this text", exactly and case-sensitively, on both databases. Prisma's startsWith
// is a LIKE that leaves "_" and "%" wildcards (both may be in a name) and, on SQLite, ignores
// ASCII case. On PostgreSQL the wildcards are escaped; on SQLite the prefix becomes the range of
// strings it begins, in SQLite's binary order (names are ASCII, below 0x7f).
import type { DbOrTx } from "./index";
import { providerOf } from "./provider";

export function literalPrefix(db: DbOrTx, prefix: string): { startsWith: string } | { gte: string; lt: string } {
  return providerOf(db) === "sqlite"
    ? { gte: prefix, lt: `${prefix}\x7f` }
    : { startsWith: prefix.replace(/[\\%_]/g, (c) => `\\${c}`) };
}

// prisma/schema.prisma is the one schema source (SQLite). The PostgreSQL variant differs only
// in its provider and client output folder, so it is derived rather than kept by hand.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function derivePostgresSchema(root) {
  const source = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
  const derived = source
    .replace('output     = "../generated/sqlite"', 'output     = "../generated/postgresql"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./unused.db"', 'url      = "postgresql://unused"');
  if (derived === source || !derived.includes('"postgresql"') || !derived.includes("generated/postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the provider/output lines the PostgreSQL variant swaps");
  }
  const header = "// Derived from prisma/schema.prisma by scripts/lib/prisma-schemas.mjs; do not edit.\n";
  const target = join(root, "prisma/postgres.prisma");
  writeFileSync(target, header + derived);
  return target;
}

export const schemaFor = (root, provider) =>
  provider === "postgresql" ? derivePostgresSchema(root) : join(root, "prisma/schema.prisma");

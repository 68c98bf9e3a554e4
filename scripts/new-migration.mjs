// npm run db:migration -- <name>
// Writes a migration for both databases from the difference between the schema as of the last
// migration (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma, using
// `prisma migrate diff`, which works offline with no database.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { derivePostgresSchema } from "./lib/prisma-schemas.mjs";

const root = process.cwd();
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <snake_case_name>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const snapshot = join(root, "prisma/migrations/schema.snapshot.prisma");
const prisma = join(root, "node_modules/.bin/prisma");

function diff(provider, toSchema, fromSchema) {
  const from = fromSchema ? ["--from-schema-datamodel", fromSchema] : ["--from-empty"];
  const r = spawnSync(prisma, ["migrate", "diff", ...from, "--to-schema-datamodel", toSchema, "--script"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`prisma migrate diff (${provider}) failed:\n${r.stderr}`);
  return r.stdout;
}

function pgVariant(file) {
  // Derive the PostgreSQL form of an arbitrary SQLite-form schema file.
  const tmpRoot = join(root, "data/.migration-tmp");
  mkdirSync(join(tmpRoot, "prisma"), { recursive: true });
  copyFileSync(file, join(tmpRoot, "prisma/schema.prisma"));
  return derivePostgresSchema(tmpRoot);
}

mkdirSync(join(root, "data"), { recursive: true }); // the CLI's adapter opens a scratch file there
const current = join(root, "prisma/schema.prisma");
const previous = existsSync(snapshot) ? snapshot : null;
const out = {
  sqlite: diff("sqlite", current, previous),
  postgresql: diff("postgresql", derivePostgresSchema(root), previous ? pgVariant(previous) : null),
};
if (out.sqlite.includes("This is an empty migration")) {
  console.log("No schema changes.");
  process.exit(0);
}
for (const [provider, sql] of Object.entries(out)) {
  const dir = join(root, "prisma/migrations", provider, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  console.log(`wrote ${dir}/migration.sql`);
}
writeFileSync(snapshot, readFileSync(current, "utf8"));

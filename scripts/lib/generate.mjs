// Generates both Prisma clients (SQLite and PostgreSQL) when the schema changed since the last
// generation, so `npm start` and `npm test` stay quick on the second run.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { derivePostgresSchema } from "./prisma-schemas.mjs";
import { run } from "./run.mjs";

function clientStamp(root) {
  const schema = readFileSync(join(root, "prisma/schema.prisma"), "utf8");
  const version = JSON.parse(readFileSync(join(root, "node_modules/prisma/package.json"), "utf8")).version;
  return createHash("sha256").update(schema).update(version).digest("hex");
}

/** Whether the generated clients match the schema (without generating anything). */
export function clientsCurrent(root) {
  const stampFile = join(root, "generated/.stamp");
  return existsSync(stampFile) && readFileSync(stampFile, "utf8") === clientStamp(root);
}

export function generateClients(root) {
  const stamp = clientStamp(root);
  const stampFile = join(root, "generated/.stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return false;
  const prisma = join(root, "node_modules/.bin/prisma");
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  run(prisma, ["generate", "--schema", join(root, "prisma/schema.prisma")], { cwd: root, env });
  run(prisma, ["generate", "--schema", derivePostgresSchema(root)], { cwd: root, env });
  writeFileSync(stampFile, stamp);
  return true;
}

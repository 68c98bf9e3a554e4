// Prisma CLI settings. The JavaScript engine means no native binary is downloaded: the CLI is
// only used to generate the clients and to write migrations (`migrate diff`), never to apply
// them (lib/db/migrate.ts does that for both databases).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () => new PrismaBetterSQLite3({ url: "file:./data/prisma-cli.db" }),
});

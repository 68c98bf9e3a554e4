// Once per test run: a throwaway PostgreSQL cluster with a migrated template database, and a
// migrated SQLite file; each test file then clones its own database from these templates.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "@/lib/db/migrate";
// @ts-expect-error plain ESM helper without type declarations
import { startPgCluster } from "../../scripts/lib/pg-cluster.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    sqliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startPgCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query("CREATE DATABASE batchdeck_template");
  await admin.end();
  await migrate(cluster.urlFor("batchdeck_template"));

  const dir = mkdtempSync(join(tmpdir(), "batchdeck-sqlite-"));
  const sqliteTemplate = join(dir, "template.db");
  await migrate(`file:${sqliteTemplate}`);

  project.provide("pgAdminUrl", cluster.url);
  project.provide("pgTemplate", "batchdeck_template");
  project.provide("sqliteTemplate", sqliteTemplate);

  return () => {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

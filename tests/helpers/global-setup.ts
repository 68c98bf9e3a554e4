// Once per test run: a throwaway PostgreSQL cluster with a migrated template database, and a
// migrated SQLite file; each test file then clones its own database from these templates. And
// one Podman service with the test image, shared by every engine the tests start.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { findContainerRuntime } from "@/engine/containers/runtime";
import { migrate } from "@/lib/db/migrate";
// @ts-expect-error plain ESM helper without type declarations
import { startPgCluster } from "../../scripts/lib/pg-cluster.mjs";
import { ensureTestImageTags } from "./test-image";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    sqliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  // One Podman service for every engine of the run (in-process and spawned ones read
  // BATCHDECK_CONTAINER_HOST), instead of one per engine's data directory.
  const containersDir = mkdtempSync(join(tmpdir(), "batchdeck-containers-"));
  const found = await findContainerRuntime({ dataDir: containersDir });
  if (!found.runtime) throw new Error(`the container tests need a runtime: ${found.reason}`);
  const runtime = found.runtime;
  process.env.BATCHDECK_CONTAINER_HOST = `unix://${runtime.socketPath}`;
  await ensureTestImageTags();

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
    runtime.close();
    rmSync(containersDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
}

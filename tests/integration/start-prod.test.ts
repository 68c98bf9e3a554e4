// `npm run start:prod` as an operator meets it: a bad BATCHDECK_PROCESSES or BATCHDECK_PREPARE,
// or PostgreSQL without a shared secret key, stops it with a message naming the setting; with
// BATCHDECK_PROCESSES=engine it runs only an engine (no web server), which takes the lead, and
// SIGTERM stops it cleanly.
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { waitFor } from "../helpers/engine-fixtures";

const root = join(import.meta.dirname, "../..");
const SECRET = Buffer.alloc(32, 3).toString("base64");

function startProd(env: Record<string, string>) {
  return spawnSync(process.execPath, ["scripts/start-prod.mjs"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("start:prod refuses bad settings", () => {
  it.each([
    ["BATCHDECK_PROCESSES", "web,worker", /BATCHDECK_PROCESSES must be web, engine or web,engine/],
    ["BATCHDECK_PROCESSES", "engine,engine", /BATCHDECK_PROCESSES must be web, engine or web,engine/],
    ["BATCHDECK_PREPARE", "maybe", /BATCHDECK_PREPARE must be true or false/],
  ])("%s=%s", (name, value, message) => {
    const r = startProd({ [name]: value, DATABASE_URL: "file:/nonexistent/never-created.db" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it("prepare leaves a fresh SQLite file unwritten, not even migrated, when a setting is bad", () => {
    const dir = mkdtempSync(join(tmpdir(), "batchdeck-prepare-"));
    const file = join(dir, "fresh.db");
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${file}`, BATCHDECK_DATA_DIR: dir, BATCHDECK_SECRET_KEY: "short" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(existsSync(file)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("PostgreSQL without BATCHDECK_SECRET_KEY", () => {
    const r = startProd({
      BATCHDECK_PROCESSES: "engine",
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      BATCHDECK_SECRET_KEY: "",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/BATCHDECK_SECRET_KEY is required with a PostgreSQL DATABASE_URL/);
  });
});

describe.each(PROVIDERS)("prepare checks every setting before writing to a fresh %s database", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ["BATCHDECK_SECRET_KEY", { BATCHDECK_SECRET_KEY: "not a key!" }, /BATCHDECK_SECRET_KEY: The secret key must be/],
    [
      "BATCHDECK_SECRET_KEY_PREVIOUS",
      { BATCHDECK_SECRET_KEY: SECRET, BATCHDECK_SECRET_KEY_PREVIOUS: "c2hvcnQ=" },
      /BATCHDECK_SECRET_KEY_PREVIOUS: The secret key must be exactly 32 bytes/,
    ],
    [
      "half an access key pair",
      { BATCHDECK_SECRET_KEY: SECRET, BATCHDECK_ADMIN_ACCESS_KEY_ID: "AKIAHALFPAIR00000001" },
      /Set both BATCHDECK_ADMIN_ACCESS_KEY_ID and BATCHDECK_ADMIN_SECRET_ACCESS_KEY/,
    ],
  ])("refuses %s and creates no admin", (_, settings, message) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prepare.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        BATCHDECK_ADMIN_EMAIL: "never@prepare.test",
        BATCHDECK_ADMIN_PASSWORD: "prepare-password",
        BATCHDECK_ADMIN_ACCESS_KEY_ID: "",
        BATCHDECK_ADMIN_SECRET_ACCESS_KEY: "",
        BATCHDECK_SECRET_KEY_PREVIOUS: "",
        ...settings,
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(message);
    return t.db.user.count().then((users) => expect(users).toBe(0));
  });
});

describe.each(PROVIDERS)("instances preparing one %s database at once", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("create one first admin, one organization and one access key between them", async () => {
    const prepare = () =>
      new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/prepare.ts"],
          {
            cwd: root,
            env: {
              ...process.env,
              DATABASE_URL: t.url,
              BATCHDECK_SECRET_KEY: SECRET,
              BATCHDECK_ADMIN_EMAIL: "first@prepare.test",
              BATCHDECK_ADMIN_PASSWORD: "prepare-password",
              BATCHDECK_ADMIN_ACCESS_KEY_ID: "AKIAPREPARERACE00001",
              BATCHDECK_ADMIN_SECRET_ACCESS_KEY: "prepare-race-secret-0123456789",
            },
          },
          (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }),
        );
      });
    const runs = await Promise.all([prepare(), prepare(), prepare()]);
    for (const r of runs) expect(r.code, r.output).toBe(0);
    expect(runs.filter((r) => r.output.includes("created the first admin"))).toHaveLength(1);
    expect(await t.db.user.count()).toBe(1);
    expect(await t.db.organization.count()).toBe(1);
    expect(await t.db.accessKey.count()).toBe(1);
  }, 90_000);
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe.each(PROVIDERS)("start:prod with BATCHDECK_PROCESSES=engine on %s", (provider) => {
  let t: TestDatabase;
  let dataDir: string;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-start-prod-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child?.once("exit", r));
    }
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prepares the database, runs an engine that leads, serves no web, and stops on SIGTERM", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const engineId = `start-prod-${provider}`;
    const output: string[] = [];
    child = spawn(process.execPath, ["scripts/start-prod.mjs"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        BATCHDECK_DATA_DIR: dataDir,
        BATCHDECK_SECRET_KEY: SECRET,
        BATCHDECK_PROCESSES: "engine",
        BATCHDECK_ENGINE_ID: engineId,
        BATCHDECK_ENGINE_SAMPLE_MS: "0",
        BATCHDECK_ADMIN_EMAIL: "ops@start-prod.test",
        BATCHDECK_ADMIN_PASSWORD: "start-prod-password",
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => output.push(String(d)));
    child.stderr!.on("data", (d) => output.push(String(d)));

    const lease = await waitFor(
      "the engine to lead",
      () => t.db.engineLease.findFirst({ where: { name: "leader", holder: engineId } }),
      60_000,
      100,
    ).catch((error) => {
      throw new Error(`${error.message}\n${output.join("")}`);
    });
    expect(lease.holder).toBe(engineId);
    // Prepared: the first admin exists (the clone of the template database has no users).
    expect(await t.db.user.count({ where: { email: "ops@start-prod.test" } })).toBe(1);
    expect(output.join("")).toContain("[batchdeck] serving: engine");
    // No web server in this placement.
    expect(await listening(port)).toBe(false);

    const exit = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  }, 90_000);
});

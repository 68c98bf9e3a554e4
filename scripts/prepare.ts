// Run by `npm start` (and the test harness) before the servers start: apply migrations, then
// create the first admin on a fresh database and print how to sign in.

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import { ensureAdminAccessKey } from "@/lib/access-keys/ensure-admin-access-key";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { awsSettingsFromEnvironment, putOrganizationOnAws } from "@/lib/backends/settings/default-backend";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { providerOf } from "@/lib/db/provider";
import { sqliteFilePath } from "@/lib/db/sqlite-path";
import { env } from "@/lib/env";
import { protectHostFiles } from "@/lib/host-files";
import { logger } from "@/lib/log";
import { resealSecrets } from "@/lib/reseal-secrets";
import { defaultKeyring, parseSecretKey, SecretError } from "@/lib/secrets";

const log = logger().child({ component: "startup" });

/** Arbitrary but fixed: held while one instance prepares, so several may start at once. */
const PREPARE_LOCK_KEY = 7_240_155_002;

// Several instances may run this at the same moment on a fresh database. They take turns, so
// the first creates the admin and its access key and the others find them: on PostgreSQL under
// a session advisory lock on a connection of its own, on SQLite (one machine's file) under a
// lock file beside the database naming its holder's pid.
async function main() {
  const config = env();
  // Every setting is checked before anything is written (a lock file, a migration, the first
  // admin): a bad one must leave a fresh install as fresh as it was.
  const checked = checkSettings(config);
  if (providerOf(config.DATABASE_URL) === "sqlite")
    return withLockFile(`${sqliteFilePath(config.DATABASE_URL)}.prepare-lock`, () => prepare(config, checked));
  const lock = new pg.Client({ connectionString: config.DATABASE_URL });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [PREPARE_LOCK_KEY]);
    await prepare(config, checked);
  } finally {
    await lock.end().catch(() => {});
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

async function withLockFile(path: string, fn: () => Promise<void>) {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder = 0;
      try {
        holder = Number(readFileSync(path, "utf8"));
      } catch {
        continue; // released meanwhile
      }
      // A holder that died (or had not written its pid yet, shown as 0 only for an instant).
      if (holder && !alive(holder)) rmSync(path, { force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * The settings prepare acts on, checked whole: the secret keys (parsed, or the key file made on
 * a laptop's first start), the default AWS backend, and the first admin's access key pair.
 */
function checkSettings(config: ReturnType<typeof env>) {
  const keys: [string, string | undefined][] = [
    ["BATCHDECK_SECRET_KEY", config.BATCHDECK_SECRET_KEY],
    ...(config.BATCHDECK_SECRET_KEY_PREVIOUS ?? "")
      .split(",")
      .filter((k) => k.trim())
      .map((k): [string, string] => ["BATCHDECK_SECRET_KEY_PREVIOUS", k]),
  ];
  for (const [name, value] of keys) {
    if (!value) continue;
    try {
      parseSecretKey(value);
    } catch (error) {
      if (error instanceof SecretError) throw new Error(`${name}: ${error.message}`);
      throw error;
    }
  }
  defaultKeyring();
  if (!config.BATCHDECK_ADMIN_ACCESS_KEY_ID !== !config.BATCHDECK_ADMIN_SECRET_ACCESS_KEY) {
    throw new Error("Set both BATCHDECK_ADMIN_ACCESS_KEY_ID and BATCHDECK_ADMIN_SECRET_ACCESS_KEY, or neither.");
  }
  return { awsDefaults: config.BATCHDECK_DEFAULT_BACKEND === "aws" ? defaultAwsSettings(config) : null };
}

async function prepare(config: ReturnType<typeof env>, { awsDefaults }: ReturnType<typeof checkSettings>) {
  const applied = await migrate(config.DATABASE_URL);
  if (applied.length) log.info("applied migrations", { migrations: applied });
  // Jobs run on this host: the database file, the secret key and .env files are ours alone.
  const tightened = protectHostFiles({
    dataDir: config.BATCHDECK_DATA_DIR,
    databaseUrl: config.DATABASE_URL,
    configDir: process.cwd(),
  });
  for (const change of tightened) log.info("tightened file permissions", { change });
  const db = createDb(config.DATABASE_URL);
  try {
    const result = await ensureFirstAdmin(db, {
      email: config.BATCHDECK_ADMIN_EMAIL,
      password: config.BATCHDECK_ADMIN_PASSWORD,
    });
    if (result.created) {
      log.info("created the first admin", { email: result.email });
      if (awsDefaults) {
        await putOrganizationOnAws(db, result.organizationId, awsDefaults);
        log.info("the first organization runs on AWS Batch, with the server's AWS credentials", {
          region: awsDefaults.region,
          batchEndpoint: awsDefaults.batchEndpoint ?? null,
        });
      }
      if (result.passwordGenerated) {
        // Shown once to the person starting the server, on the terminal only: never into a log
        // collector (a non-terminal stdout), where it would outlive its purpose.
        if (process.stdout.isTTY) {
          process.stdout.write(
            `[batchdeck] generated password (shown once, change it or set BATCHDECK_ADMIN_PASSWORD): ${result.password}\n`,
          );
        } else {
          // Not a terminal: into a file only the server's user can read, named in the log.
          const file = join(config.BATCHDECK_DATA_DIR, "first-admin-password");
          mkdirSync(config.BATCHDECK_DATA_DIR, { recursive: true });
          writeFileSync(file, `${result.password}\n`, { mode: 0o600 });
          log.warn("generated a password for the first admin; read it from the file, then delete the file", {
            file: resolve(file),
            hint: "set BATCHDECK_ADMIN_PASSWORD to choose it yourself",
          });
        }
      }
    }
    await ensureConfiguredAccessKey(db, config);
    // After a key rotation: move every sealed value to the new primary key.
    const resealed = await resealSecrets(db);
    if (resealed.resealed)
      log.info("re-sealed secrets under the current BATCHDECK_SECRET_KEY", { resealed: resealed.resealed });
    if (resealed.unreadable) {
      log.warn(
        "stored secrets were sealed with a key that is not configured; list that key in BATCHDECK_SECRET_KEY_PREVIOUS or enter the secret again",
        { unreadable: resealed.unreadable },
      );
    }
  } finally {
    await db.$disconnect();
  }
}

function defaultAwsSettings(config: ReturnType<typeof env>) {
  if (config.BATCHDECK_HOSTED) {
    throw new Error(
      "BATCHDECK_DEFAULT_BACKEND=aws uses the server's own AWS credentials, which a hosted install (BATCHDECK_HOSTED=true) does not allow.",
    );
  }
  return awsSettingsFromEnvironment(process.env);
}

async function ensureConfiguredAccessKey(db: ReturnType<typeof createDb>, config: ReturnType<typeof env>) {
  const accessKeyId = config.BATCHDECK_ADMIN_ACCESS_KEY_ID;
  const secretAccessKey = config.BATCHDECK_ADMIN_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("Set both BATCHDECK_ADMIN_ACCESS_KEY_ID and BATCHDECK_ADMIN_SECRET_ACCESS_KEY, or neither.");
  }
  const result = await ensureAdminAccessKey(db, { accessKeyId, secretAccessKey });
  if (result.created) {
    log.info("created an access key for the first admin", { accessKeyId: result.accessKeyId, email: result.userEmail });
  } else if (result.reason === "no-admin") {
    log.warn("BATCHDECK_ADMIN_ACCESS_KEY_ID is set but there is no admin to own it yet");
  }
}

main().catch((error) => {
  log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

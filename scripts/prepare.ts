// Run by `npm start` (and the test harness) before the servers start: apply migrations, then
// create the first admin on a fresh database and print how to sign in.
import { ensureAdminAccessKey } from "@/lib/access-keys/ensure-admin-access-key";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { awsSettingsFromEnvironment, putOrganizationOnAws } from "@/lib/backends/settings/default-backend";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { protectHostFiles } from "@/lib/host-files";
import { logger } from "@/lib/log";
import { resealSecrets } from "@/lib/reseal-secrets";

const log = logger().child({ component: "startup" });

async function main() {
  const config = env();
  const applied = await migrate(config.DATABASE_URL);
  if (applied.length) log.info("applied migrations", { migrations: applied });
  // Jobs run on this host: the database file, the secret key and .env files are ours alone.
  const tightened = protectHostFiles({
    dataDir: config.BATCHDECK_DATA_DIR,
    databaseUrl: config.DATABASE_URL,
    configDir: process.cwd(),
  });
  for (const change of tightened) log.info("tightened file permissions", { change });
  // Checked before anything is created, so a bad setting leaves a fresh database fresh.
  const awsDefaults = config.BATCHDECK_DEFAULT_BACKEND === "aws" ? defaultAwsSettings(config) : null;
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
          log.warn("generated a password for the first admin; it is shown only on a terminal", {
            hint: "set BATCHDECK_ADMIN_PASSWORD, or run once on a terminal",
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

// Run by `npm start` (and the test harness) before the servers start: apply migrations, then
// create the first admin on a fresh database and print how to sign in.
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { env } from "@/lib/env";

async function main() {
  const config = env();
  const applied = await migrate(config.DATABASE_URL);
  if (applied.length) console.log(`[batchdeck] applied ${applied.length} migration(s): ${applied.join(", ")}`);
  const db = createDb(config.DATABASE_URL);
  try {
    const result = await ensureFirstAdmin(db, {
      email: config.BATCHDECK_ADMIN_EMAIL,
      password: config.BATCHDECK_ADMIN_PASSWORD,
    });
    if (result.created) {
      console.log(`[batchdeck] created the first admin: ${result.email}`);
      if (result.passwordGenerated) {
        console.log(
          `[batchdeck] generated password (shown once, change it or set BATCHDECK_ADMIN_PASSWORD): ${result.password}`,
        );
      }
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(`[batchdeck] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

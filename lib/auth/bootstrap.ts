// First run: a fresh database gets an admin and a default organization, from
// BATCHDECK_ADMIN_EMAIL / BATCHDECK_ADMIN_PASSWORD, or with a generated password that the
// caller prints once. Later runs find users and do nothing.
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { createOrganization } from "@/lib/organizations/create-organization";
import { generatePassword, hashPassword } from "./password";

export type BootstrapResult =
  | { created: false }
  | { created: true; email: string; password: string; passwordGenerated: boolean; organizationId: string };

export async function ensureFirstAdmin(
  db: Db,
  opts: { email: string; password?: string; organizationName?: string },
): Promise<BootstrapResult> {
  if ((await db.user.count()) > 0) return { created: false };
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const organizationId = await writeTransaction(db, async (tx) => {
    // Two processes racing on first start: the loser sees the winner's user and stops.
    if ((await tx.user.count()) > 0) return null;
    const userId = newId();
    // The first admin installed Batchdeck: they are its operator too (lib/operator/).
    await tx.user.create({
      data: { id: userId, email: opts.email.toLowerCase(), name: "Admin", passwordHash, isOperator: true },
    });
    const org = await createOrganization(tx, {
      name: opts.organizationName ?? "Default",
      adminUserId: userId,
      adminEmail: opts.email.toLowerCase(),
    });
    return org.id;
  });
  if (!organizationId) return { created: false };
  return {
    created: true,
    email: opts.email.toLowerCase(),
    password,
    passwordGenerated: opts.password === undefined,
    organizationId,
  };
}

// Seeding helpers: real rows through the same domain code the app uses.
import type { OrgContext } from "@/lib/auth/context";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { createOrganization } from "@/lib/organizations/create-organization";

let cachedHash: Promise<string> | undefined;
function testPasswordHash(): Promise<string> {
  cachedHash ??= hashPassword("correct horse battery");
  return cachedHash;
}

export async function createUser(db: Db, email: string): Promise<{ id: string; email: string }> {
  const id = newId();
  await db.user.create({
    data: { id, email, name: email.split("@")[0] ?? email, passwordHash: await testPasswordHash() },
  });
  return { id, email };
}

export async function createOrgWithAdmin(db: Db, name: string) {
  const admin = await createUser(db, `admin-${newId().slice(0, 8)}@example.com`);
  // As sign-up does: a transaction that reads before it writes must take the write lock first,
  // or on SQLite an engine's commit in between fails it with "database is locked".
  const org = await writeTransaction(db, (tx) =>
    createOrganization(tx, { name, adminUserId: admin.id, adminEmail: admin.email }),
  );
  return { organizationId: org.id, admin };
}

export async function addMembership(db: Db, organizationId: string, userId: string, role: Role) {
  const id = newId();
  await db.membership.create({ data: { id, organizationId, userId, role } });
  return id;
}

export function contextFor(
  db: Db,
  organizationId: string,
  user: { id: string; email: string },
  role: Role,
  source: "console" | "api" = "console",
): OrgContext {
  return {
    db,
    organizationId,
    role,
    user: { ...user, name: user.email },
    actor: { userId: user.id, email: user.email, source },
  };
}

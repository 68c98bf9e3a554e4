import { randomInt } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import type { Tx } from "@/lib/db";
import { newId } from "@/lib/ids";

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}

/** A twelve-digit account number for the ARNs of this organization's resources. */
const newAccountId = () => String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));

/** Create an organization with `adminUserId` as its first admin. */
export async function createOrganization(
  tx: Tx,
  opts: { name: string; adminUserId: string; adminEmail: string },
): Promise<{ id: string; slug: string }> {
  let slug = slugify(opts.name);
  if (await tx.organization.findUnique({ where: { slug }, select: { id: true } })) {
    slug = `${slug}-${newId().slice(0, 8)}`;
  }
  const id = newId();
  await tx.organization.create({ data: { id, name: opts.name, slug, accountId: newAccountId() } });
  await tx.membership.create({ data: { id: newId(), organizationId: id, userId: opts.adminUserId, role: "admin" } });
  await recordAudit(tx, {
    organizationId: id,
    actor: { userId: opts.adminUserId, email: opts.adminEmail, source: "system" },
    action: "organization.create",
    targetType: "organization",
    targetId: slug,
    details: { name: opts.name },
  });
  return { id, slug };
}

import type { DbOrTx } from "@/lib/db";
import { notFound } from "@/lib/errors";

/** Point a session at another organization the user belongs to. */
export async function switchOrganization(
  db: DbOrTx,
  opts: { sessionId: string; userId: string; organizationId: string },
): Promise<void> {
  const membership = await db.membership.findUnique({
    where: { organizationId_userId: { organizationId: opts.organizationId, userId: opts.userId } },
    select: { id: true },
  });
  if (!membership) throw notFound("That organization");
  await db.session.update({ where: { id: opts.sessionId }, data: { organizationId: opts.organizationId } });
}

// Every mutation records who did what to which target, from where. Domain functions call this
// inside their own transaction, so an audit entry exists exactly when the change does.
import type { DbOrTx } from "@/lib/db";
import { newId } from "@/lib/ids";

export type AuditSource = "console" | "api" | "system";

export interface Actor {
  userId: string | null;
  email: string;
  source: AuditSource;
}

export async function recordAudit(
  db: DbOrTx,
  entry: {
    organizationId: string;
    actor: Actor;
    action: string;
    targetType: string;
    targetId: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  // One raw statement: every mutation writes one, and Prisma's builder spends more CPU compiling
  // an insert than SQLite spends running it. createdAt goes in as a Date, stored as Prisma
  // stores its own (the audit page orders by it).
  await db.$executeRaw`
    INSERT INTO "AuditEvent"
      ("id", "organizationId", "actorUserId", "actorEmail", "source", "action", "targetType", "targetId", "details", "createdAt")
    VALUES (${newId()}, ${entry.organizationId}, ${entry.actor.userId}, ${entry.actor.email}, ${entry.actor.source},
      ${entry.action}, ${entry.targetType}, ${entry.targetId}, ${JSON.stringify(entry.details ?? {})}, ${new Date()})`;
}

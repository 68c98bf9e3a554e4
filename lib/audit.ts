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
  await db.auditEvent.create({
    data: {
      id: newId(),
      organizationId: entry.organizationId,
      actorUserId: entry.actor.userId,
      actorEmail: entry.actor.email,
      source: entry.actor.source,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: JSON.stringify(entry.details ?? {}),
    },
  });
}

// Every mutation records who did what to which target, from where. Domain functions call this
// inside their own transaction, so an audit entry exists exactly when the change does.
import { Prisma } from "@/generated/sqlite/client";
import { type RawSql, rawSql } from "@/lib/db/direct";
import { newId } from "@/lib/ids";

export type AuditSource = "console" | "api" | "system";

export interface Actor {
  userId: string | null;
  email: string;
  source: AuditSource;
}

export interface AuditEntry {
  organizationId: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: RawSql, entry: AuditEntry): Promise<void> {
  // One raw statement: every mutation writes one, and Prisma's builder spends more CPU compiling
  // an insert than SQLite spends running it. createdAt goes in as a Date, stored as Prisma
  // stores its own (the audit page orders by it).
  await rawSql(db).$executeRaw`
    INSERT INTO "AuditEvent"
      ("id", "organizationId", "actorUserId", "actorEmail", "source", "action", "targetType", "targetId", "details", "createdAt")
    VALUES (${newId()}, ${entry.organizationId}, ${entry.actor.userId}, ${entry.actor.email}, ${entry.actor.source},
      ${entry.action}, ${entry.targetType}, ${entry.targetId}, ${JSON.stringify(entry.details ?? {})}, ${new Date()})`;
}

/** Several entries in one statement (SubmitJob's group commit writes one per submission). */
export async function recordAudits(db: RawSql, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const createdAt = new Date();
  const rows = entries.map(
    (e) =>
      Prisma.sql`(${newId()}, ${e.organizationId}, ${e.actor.userId}, ${e.actor.email}, ${e.actor.source}, ${e.action}, ${e.targetType}, ${e.targetId}, ${JSON.stringify(e.details ?? {})}, ${createdAt})`,
  );
  await rawSql(db).$executeRaw`
    INSERT INTO "AuditEvent"
      ("id", "organizationId", "actorUserId", "actorEmail", "source", "action", "targetType", "targetId", "details", "createdAt")
    VALUES ${Prisma.join(rows)}`;
}

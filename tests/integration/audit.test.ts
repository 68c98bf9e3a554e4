// The audit entry every mutation writes (lib/audit.ts, one raw statement) reads back through the
// audit page's query exactly as written, in order, with its cursor; and the account id every ARN
// is built from (lib/resources/account.ts) is read once per organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { listAuditEvents } from "@/lib/audit-log/list-audit-events";
import { accountIdOf } from "@/lib/resources/account";
import { clockPast } from "../helpers/clock";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

describe.each(PROVIDERS)("audit entries and account ids on %s", (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("writes every field, and the audit page lists entries newest first across pages", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Audited");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const before = Date.now();
    await recordAudit(t.db, {
      organizationId,
      actor: { userId: null, email: "engine@batchdeck", source: "system" },
      action: "test.first",
      targetType: "job",
      targetId: "job-1",
      details: { reason: "ünïcode ✓", n: 3 },
    });
    for (let i = 2; i <= 5; i++) {
      await clockPast(Date.now()); // distinct timestamps
      await t.db.$transaction((tx) =>
        recordAudit(tx, {
          organizationId,
          actor: { userId: admin.id, email: admin.email, source: "console" },
          action: "test.next",
          targetType: "job",
          targetId: `job-${i}`,
        }),
      );
    }

    const first = await t.db.auditEvent.findFirstOrThrow({ where: { organizationId, action: "test.first" } });
    expect(first).toMatchObject({
      actorUserId: null,
      actorEmail: "engine@batchdeck",
      source: "system",
      targetType: "job",
      targetId: "job-1",
      details: JSON.stringify({ reason: "ünïcode ✓", n: 3 }),
    });
    expect(first.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(first.createdAt.getTime()).toBeLessThanOrEqual(Date.now());

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(ctx, { before: cursor, action: undefined, limit: 2 });
      seen.push(...page.events.filter((e) => e.action.startsWith("test.")).map((e) => e.targetId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["job-5", "job-4", "job-3", "job-2", "job-1"]);
  });

  it("writes nothing when the transaction it is part of rolls back", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Rolled back");
    const count = () => t.db.auditEvent.count({ where: { organizationId, action: "test.rolled-back" } });
    await expect(
      t.db.$transaction(async (tx) => {
        await recordAudit(tx, {
          organizationId,
          actor: { userId: admin.id, email: admin.email, source: "api" },
          action: "test.rolled-back",
          targetType: "job",
          targetId: "x",
        });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await count()).toBe(0);
  });

  it("reads an organization's account id once, and never remembers one that does not exist", async () => {
    const { organizationId } = await createOrgWithAdmin(t.db, "Accounts");
    const stored = (await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } })).accountId;
    expect(await accountIdOf(t.db, organizationId)).toBe(stored);
    // The product never changes an account id; changing it behind the process's back shows
    // that the second call did not read it again.
    await t.db.organization.update({ where: { id: organizationId }, data: { accountId: "999999999999" } });
    expect(await accountIdOf(t.db, organizationId)).toBe(stored);

    const ghost = `ghost-${provider}`;
    await expect(accountIdOf(t.db, ghost)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(accountIdOf(t.db, ghost)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

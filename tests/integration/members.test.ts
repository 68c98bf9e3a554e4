import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit-log/list-audit-events";
import { executeOperation } from "@/lib/auth/operation";
import { createSession, readSession } from "@/lib/auth/session";
import { addMember } from "@/lib/members/add-member";
import { changeMemberRole } from "@/lib/members/change-member-role";
import { acceptInvitation, findInvitation } from "@/lib/members/invitations";
import { listMembers } from "@/lib/members/list-members";
import { removeMember } from "@/lib/members/remove-member";
import { addMemberInput } from "@/lib/members/schemas";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("memberships on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("adds an existing user at once and invites an unknown address", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await createUser(t.db, "dev@example.com");

    const added = await addMember(ctx, { email: "dev@example.com", role: "developer" });
    expect(added.kind).toBe("added");
    const invited = await addMember(ctx, { email: "new@example.com", role: "submitter" });
    expect(invited.kind).toBe("invited");

    const { members, invitations } = await listMembers(ctx);
    expect(members.map((m) => [m.email, m.role])).toContainEqual(["dev@example.com", "developer"]);
    expect(invitations.map((i) => i.email)).toEqual(["new@example.com"]);

    await expect(addMember(ctx, { email: "dev@example.com", role: "admin" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    if (invited.kind !== "invited") throw new Error("expected an invitation");
    const token = invited.invitationPath.split("/").pop() ?? "";
    const joined = await acceptInvitation(t.db, { token, name: "New Person", password: "long enough pw" });
    expect(joined.organizationId).toBe(organizationId);
    expect(await findInvitation(t.db, token)).toBeNull();
    const after = await listMembers(ctx);
    expect(after.members.find((m) => m.email === "new@example.com")?.role).toBe("submitter");
    await expect(acceptInvitation(t.db, { token, name: "Again", password: "long enough pw" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("keeps at least one admin", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Solo");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const own = await t.db.membership.findFirstOrThrow({ where: { organizationId, userId: admin.id } });

    await expect(changeMemberRole(ctx, { membershipId: own.id, role: "developer" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(removeMember(ctx, { membershipId: own.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const second = await createUser(t.db, `second-${provider}@example.com`);
    const secondMembership = await addMembership(t.db, organizationId, second.id, "admin");
    await changeMemberRole(ctx, { membershipId: own.id, role: "developer" });
    const roles = await t.db.membership.findMany({ where: { organizationId }, select: { role: true } });
    expect(roles.map((r) => r.role).sort()).toEqual(["admin", "developer"]);

    // Now the second admin is the last one.
    const secondCtx = contextFor(t.db, organizationId, second, "admin");
    await expect(removeMember(secondCtx, { membershipId: secondMembership })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Race");
    const other = await createUser(t.db, `race-${provider}@example.com`);
    await addMembership(t.db, organizationId, other.id, "admin");
    const memberships = await t.db.membership.findMany({ where: { organizationId } });
    const results = await Promise.allSettled(
      memberships.map((m, i) =>
        changeMemberRole(contextFor(t.db, organizationId, i === 0 ? admin : other, "admin"), {
          membershipId: m.id,
          role: "submitter",
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.membership.count({ where: { organizationId, role: "admin" } })).toBe(1);
  });

  it("removing a member ends their sessions and revokes their access keys", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Revoke");
    const user = await createUser(t.db, `leaver-${provider}@example.com`);
    const membershipId = await addMembership(t.db, organizationId, user.id, "developer");
    const session = await createSession(t.db, { userId: user.id, organizationId, days: 1 });
    await t.db.accessKey.create({
      data: {
        id: `k1${provider}`,
        accessKeyId: `AKIA${provider}`,
        secretEncrypted: "x",
        organizationId,
        userId: user.id,
      },
    });
    expect(await readSession(t.db, session.token, 1)).not.toBeNull();

    await removeMember(contextFor(t.db, organizationId, admin, "admin"), { membershipId });
    expect(await readSession(t.db, session.token, 1)).toBeNull();
    const key = await t.db.accessKey.findFirstOrThrow({ where: { userId: user.id } });
    expect(key.revokedAt).not.toBeNull();
  });

  it("never reads or changes another organization's members", async () => {
    const a = await createOrgWithAdmin(t.db, "Org A");
    const b = await createOrgWithAdmin(t.db, "Org B");
    const ctxA = contextFor(t.db, a.organizationId, a.admin, "admin");
    const bMembership = await t.db.membership.findFirstOrThrow({ where: { organizationId: b.organizationId } });

    const listed = await listMembers(ctxA);
    expect(listed.members.map((m) => m.email)).toEqual([a.admin.email]);
    await expect(changeMemberRole(ctxA, { membershipId: bMembership.id, role: "submitter" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(removeMember(ctxA, { membershipId: bMembership.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: bMembership.id } })).role).toBe("admin");

    const auditA = await listAuditEvents(ctxA, { limit: 200 });
    expect(auditA.events.every((e) => !e.targetId.includes(b.admin.email))).toBe(true);
  });

  it("refuses members.manage to developers and submitters before touching the database", async () => {
    const { organizationId } = await createOrgWithAdmin(t.db, "Roles");
    const dev = await createUser(t.db, `dev-${provider}@example.com`);
    const op = { name: "members.add", permission: "members.manage" as const, input: addMemberInput, run: addMember };
    for (const role of ["developer", "submitter"] as const) {
      await expect(
        executeOperation(op, contextFor(t.db, organizationId, dev, role), { email: "x@example.com", role: "admin" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await t.db.invitation.count({ where: { organizationId } })).toBe(0);
  });

  it("records every membership change in the audit log", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Audited");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const u = await createUser(t.db, `audited-${provider}@example.com`);
    const added = await addMember(ctx, { email: u.email, role: "developer" });
    if (added.kind !== "added") throw new Error("expected added");
    await changeMemberRole(ctx, { membershipId: added.membershipId, role: "submitter" });
    await removeMember(ctx, { membershipId: added.membershipId });
    const { events } = await listAuditEvents(ctx, { limit: 50 });
    expect(events.map((e) => e.action)).toEqual([
      "member.remove",
      "member.changeRole",
      "member.add",
      "organization.create",
    ]);
    expect(events[1]?.details).toEqual({ from: "developer", to: "submitter" });
    expect(events.every((e) => e.actorEmail === admin.email || e.source === "system")).toBe(true);
  });
});

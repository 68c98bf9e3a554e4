import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit-log/list-audit-events";
import { executeOperation } from "@/lib/auth/operation";
import { createSession, readSession } from "@/lib/auth/session";
import { acceptInvitation, acceptInvitationAsUser, viewInvitation } from "@/lib/members/accept-invitation";
import { addMember } from "@/lib/members/add-member";
import { changeMemberRole } from "@/lib/members/change-member-role";
import { findInvitation } from "@/lib/members/invitations";
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

  const tokenOf = (invited: { invitationPath: string }) => invited.invitationPath.split("/").pop() ?? "";
  const shape = (result: object) =>
    Object.entries(result)
      .map(([key, value]) => `${key}: ${typeof value}`)
      .sort();

  it("answers alike for an address with an account and one without, and adds no one yet", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Probe");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    // An account on the install, in another organization: the admin must not learn of it.
    const elsewhere = await createOrgWithAdmin(t.db, "Elsewhere");
    const known = elsewhere.admin.email;
    const unknown = `nobody-${provider}@example.com`;

    const forKnown = await addMember(ctx, { email: known, role: "developer" });
    const forUnknown = await addMember(ctx, { email: unknown, role: "developer" });
    expect(shape(forKnown)).toEqual(shape(forUnknown));
    expect(shape(forKnown)).toEqual(["email: string", "invitationId: string", "invitationPath: string"]);
    expect(forKnown.invitationPath).toMatch(/^\/invite\/[\w-]{20,}$/);
    expect(forUnknown.invitationPath).toMatch(/^\/invite\/[\w-]{20,}$/);

    // Nobody joins before accepting; both wait as pending invitations.
    const { members, invitations } = await listMembers(ctx);
    expect(members.map((m) => m.email)).toEqual([admin.email]);
    expect(invitations.map((i) => [i.email, i.role]).sort()).toEqual([
      [known, "developer"],
      [unknown, "developer"],
    ]);
    const { events } = await listAuditEvents(ctx, { limit: 10 });
    const audited = (email: string) =>
      events
        .filter((e) => e.targetId === email)
        .map((e) => ({ action: e.action, targetType: e.targetType, details: e.details }));
    expect(audited(known)).toEqual([
      { action: "member.invite", targetType: "invitation", details: { role: "developer" } },
    ]);
    expect(audited(known)).toEqual(audited(unknown));
  });

  it("refuses only a member of this organization, and a new invitation replaces a pending one", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Conflicts");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await expect(addMember(ctx, { email: admin.email, role: "developer" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const email = `twice-${provider}@example.com`;
    const first = await addMember(ctx, { email, role: "developer" });
    const second = await addMember(ctx, { email, role: "submitter" });
    expect(await findInvitation(t.db, tokenOf(first))).toBeNull();
    expect((await findInvitation(t.db, tokenOf(second)))?.role).toBe("submitter");
    expect((await listMembers(ctx)).invitations.map((i) => i.email)).toEqual([email]);
  });

  it("an existing user accepts while signed in as the address and becomes a member with the role", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Joined");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const user = await createUser(t.db, `existing-${provider}@example.com`);
    const token = tokenOf(await addMember(ctx, { email: user.email, role: "submitter" }));

    // The holder of the link learns it is for an account, and nothing else does.
    expect((await viewInvitation(t.db, token, null)).kind).toBe("signIn");
    expect((await viewInvitation(t.db, "not-a-token", null)).kind).toBe("invalid");
    expect((await viewInvitation(t.db, token, user)).kind).toBe("accept");
    // Choosing a password for an address that has an account is refused, changing nothing.
    await expect(acceptInvitation(t.db, { token, name: "Impostor", password: "long enough pw" })).rejects.toMatchObject(
      { code: "CONFLICT" },
    );
    expect(await t.db.membership.count({ where: { organizationId } })).toBe(1);

    const joined = await acceptInvitationAsUser(t.db, { token, user });
    expect(joined).toEqual({ userId: user.id, organizationId });
    const { members, invitations } = await listMembers(ctx);
    expect(members.find((m) => m.email === user.email)?.role).toBe("submitter");
    expect(invitations).toEqual([]);
    const { events } = await listAuditEvents(ctx, { limit: 10 });
    expect(events[0]).toMatchObject({
      action: "member.acceptInvitation",
      actorEmail: user.email,
      targetId: user.email,
      details: { role: "submitter" },
    });

    // Once only, by either path.
    expect((await viewInvitation(t.db, token, user)).kind).toBe("invalid");
    await expect(acceptInvitationAsUser(t.db, { token, user })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(acceptInvitation(t.db, { token, name: "Again", password: "long enough pw" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.membership.count({ where: { organizationId } })).toBe(2);
  });

  it("a user signed in as another address cannot accept", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Other address");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const invited = await createUser(t.db, `invited-${provider}@example.com`);
    const other = await createUser(t.db, `other-${provider}@example.com`);
    const forNew = tokenOf(await addMember(ctx, { email: `fresh-${provider}@example.com`, role: "admin" }));
    const forInvited = tokenOf(await addMember(ctx, { email: invited.email, role: "admin" }));

    // Told it is for another address, whether or not that address has an account.
    for (const token of [forNew, forInvited]) {
      expect(await viewInvitation(t.db, token, other)).toMatchObject({
        kind: "otherAddress",
        signedInAs: other.email,
      });
      await expect(acceptInvitationAsUser(t.db, { token, user: other })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(acceptInvitationAsUser(t.db, { token: forInvited, user: admin })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await t.db.membership.count({ where: { organizationId } })).toBe(1);
    expect(await t.db.membership.count({ where: { userId: other.id } })).toBe(0);

    // Still good for the person it was meant for.
    await acceptInvitationAsUser(t.db, { token: forInvited, user: invited });
    expect((await listMembers(ctx)).members.find((m) => m.userId === invited.id)?.role).toBe("admin");
  });

  it("a new address chooses a name and password, once", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Newcomers");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const email = `new-${provider}@example.com`;
    const token = tokenOf(await addMember(ctx, { email, role: "submitter" }));
    expect((await viewInvitation(t.db, token, null)).kind).toBe("newAccount");

    const joined = await acceptInvitation(t.db, { token, name: "New Person", password: "long enough pw" });
    expect(joined.organizationId).toBe(organizationId);
    expect(await findInvitation(t.db, token)).toBeNull();
    const after = await listMembers(ctx);
    expect(after.members.find((m) => m.email === email)?.role).toBe("submitter");
    await expect(acceptInvitation(t.db, { token, name: "Again", password: "long enough pw" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.user.count({ where: { email } })).toBe(1);
  });

  it("accepting is all or nothing, and an expired invitation is not valid", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Atomic");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const user = await createUser(t.db, `atomic-${provider}@example.com`);
    const token = tokenOf(await addMember(ctx, { email: user.email, role: "developer" }));
    // Made a member some other way meanwhile: the acceptance fails and leaves the invitation unused.
    const membershipId = await addMembership(t.db, organizationId, user.id, "submitter");
    await expect(acceptInvitationAsUser(t.db, { token, user })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await findInvitation(t.db, token)).not.toBeNull();
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: membershipId } })).role).toBe("submitter");
    expect((await listAuditEvents(ctx, { limit: 10 })).events.map((e) => e.action)).not.toContain(
      "member.acceptInvitation",
    );

    await t.db.invitation.updateMany({ where: { organizationId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await viewInvitation(t.db, token, user)).kind).toBe("invalid");
    await t.db.membership.delete({ where: { id: membershipId } });
    await expect(acceptInvitationAsUser(t.db, { token, user })).rejects.toMatchObject({ code: "NOT_FOUND" });
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
    const invited = await addMember(ctx, { email: u.email, role: "developer" });
    await acceptInvitationAsUser(t.db, { token: tokenOf(invited), user: u });
    const { id: membershipId } = await t.db.membership.findFirstOrThrow({ where: { organizationId, userId: u.id } });
    await changeMemberRole(ctx, { membershipId, role: "submitter" });
    await removeMember(ctx, { membershipId });
    const { events } = await listAuditEvents(ctx, { limit: 50 });
    expect(events.map((e) => e.action)).toEqual([
      "member.remove",
      "member.changeRole",
      "member.acceptInvitation",
      "member.invite",
      "organization.create",
    ]);
    expect(events[1]?.details).toEqual({ from: "developer", to: "submitter" });
    // The member's own acceptance is theirs; every other change is the admin's.
    expect(events[2]?.actorEmail).toBe(u.email);
    expect(events.every((e) => e.actorEmail === admin.email || e.source === "system" || e === events[2])).toBe(true);
  });
});

// Accounts and sessions (issue 6, proof 6): removing a member ends their console sessions and
// their access keys stop working on the very next signed /v1 call; a changed role applies to
// the next call; an expired session is refused; wrong passwords lock the account, also when
// they arrive all at once.
import { randomBytes } from "node:crypto";
import { CreateComputeEnvironmentCommand, DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { resolveMembership, stillAllowed } from "@/lib/auth/context";
import { createSession, deleteSession, hashToken, readSession, sessionWritesSettled } from "@/lib/auth/session";
import { ADDRESS_WINDOW_MINUTES, LOCK_MINUTES, MAX_FAILURES, signIn } from "@/lib/auth/sign-in";
import { changeMemberRole } from "@/lib/members/change-member-role";
import { removeMember } from "@/lib/members/remove-member";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { clockPast } from "../helpers/clock";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

/** What a /v1 call came to: "ok", or the AWS error name the SDK saw. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "ok",
    (e: { name?: string }) => e.name ?? "error",
  );
}

const PASSWORD = "correct horse battery"; // tests/helpers/fixtures.ts gives every test user this one.

/** Sign-in options from an address of its own with a large allowance (for tests of other limits). */
function anyAddress() {
  return { sessionDays: 1, address: `198.51.100.${randomBytes(2).readUInt16BE()}`, failuresPerAddress: 1_000 };
}

describe.each(PROVIDERS)("accounts and sessions on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("removing a member ends their sessions and their access key is refused on the next call", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Leavers");
    const user = await createUser(t.db, `leaver-${provider}-${randomBytes(3).toString("hex")}@example.com`);
    const membershipId = await addMembership(t.db, organizationId, user.id, "developer");
    const key = await createAccessKey(contextFor(t.db, organizationId, user, "developer"), { description: "mine" });
    const sessions = [
      await createSession(t.db, { userId: user.id, organizationId, days: 1 }),
      await createSession(t.db, { userId: user.id, organizationId, days: 1 }),
    ];
    const batch = server.batch(key);
    expect(await outcome(batch.send(new DescribeJobQueuesCommand({})))).toBe("ok");
    for (const s of sessions) expect(await readSession(t.db, s.token, 1)).not.toBeNull();

    await removeMember(contextFor(t.db, organizationId, admin, "admin"), { membershipId });

    // The very next call, on the same client (no cache to wait out), is refused.
    expect(await outcome(batch.send(new DescribeJobQueuesCommand({})))).toBe("UnrecognizedClientException");
    for (const s of sessions) {
      expect(await readSession(t.db, s.token, 1)).toBeNull();
      expect(await t.db.session.count({ where: { id: hashToken(s.token) } })).toBe(0);
    }
    // Signing in again leads nowhere: they belong to no organization.
    const again = await signIn(t.db, { email: user.email, password: PASSWORD }, anyAddress());
    const session = await readSession(t.db, again.token, 1);
    expect(session?.organizationId).toBeNull();
    expect(await resolveMembership(t.db, user.id, organizationId)).toBeNull();
  });

  it("a changed role applies to the member's next API call", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Demotions");
    const user = await createUser(t.db, `demoted-${provider}-${randomBytes(3).toString("hex")}@example.com`);
    const membershipId = await addMembership(t.db, organizationId, user.id, "admin");
    const batch = server.batch(await createAccessKey(contextFor(t.db, organizationId, user, "admin"), {}));
    const adminCtx = contextFor(t.db, organizationId, admin, "admin");
    const create = (name: string) =>
      outcome(
        batch.send(
          new CreateComputeEnvironmentCommand({
            computeEnvironmentName: name,
            type: "MANAGED",
            // Batchdeck needs no subnets; the SDK type insists on them.
            computeResources: { type: "EC2", maxvCpus: 1 } as never,
          }),
        ),
      );
    const count = () => t.db.computeEnvironment.count({ where: { organizationId } });

    expect(await create("as-admin")).toBe("ok");
    expect(await count()).toBe(1);

    await changeMemberRole(adminCtx, { membershipId, role: "developer" });
    expect(await create("as-developer")).toBe("AccessDeniedException");
    expect(await count()).toBe(1);
    // Still a member: what developers may do works.
    expect(await outcome(batch.send(new DescribeJobQueuesCommand({})))).toBe("ok");

    await changeMemberRole(adminCtx, { membershipId, role: "admin" });
    expect(await create("as-admin-again")).toBe("ok");
    expect(await count()).toBe(2);
  });

  it("refuses and deletes an expired session, and slides an active one forward", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Expiry");
    const expired = await createSession(t.db, { userId: admin.id, organizationId, days: 1 });
    await t.db.session.update({
      where: { id: hashToken(expired.token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await readSession(t.db, expired.token, 1)).toBeNull();
    await sessionWritesSettled();
    expect(await t.db.session.count({ where: { id: hashToken(expired.token) } })).toBe(0);

    // In use, a session's expiry moves forward (at most once a minute).
    const active = await createSession(t.db, { userId: admin.id, organizationId, days: 1 });
    const stale = new Date(Date.now() - 2 * 60_000);
    const soon = new Date(Date.now() + 60_000);
    await t.db.session.update({ where: { id: hashToken(active.token) }, data: { lastSeenAt: stale, expiresAt: soon } });
    expect((await readSession(t.db, active.token, 1))?.user.id).toBe(admin.id);
    await sessionWritesSettled();
    const row = await t.db.session.findUniqueOrThrow({ where: { id: hashToken(active.token) } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    // Unknown, empty and absurdly long tokens are simply no session.
    expect(await readSession(t.db, randomBytes(32).toString("base64url"), 1)).toBeNull();
    expect(await readSession(t.db, undefined, 1)).toBeNull();
    expect(await readSession(t.db, "x".repeat(10_000), 1)).toBeNull();
  });

  it("a session acts in its chosen organization, else in the user's first, and in none once they belong to none", async () => {
    const first = await createOrgWithAdmin(t.db, "First home");
    const second = await createOrgWithAdmin(t.db, "Second home");
    const user = await createUser(t.db, `wanderer-${provider}-${randomBytes(3).toString("hex")}@example.com`);
    const firstMembership = await addMembership(t.db, first.organizationId, user.id, "submitter");
    // Created later than the first, so the first is "their first organization".
    await clockPast(Date.now());
    const secondMembership = await addMembership(t.db, second.organizationId, user.id, "developer");

    const chosen = await createSession(t.db, { userId: user.id, organizationId: second.organizationId, days: 1 });
    expect((await readSession(t.db, chosen.token, 1))?.membership).toEqual({
      organizationId: second.organizationId,
      role: "developer",
    });
    const unchosen = await createSession(t.db, { userId: user.id, organizationId: null, days: 1 });
    expect((await readSession(t.db, unchosen.token, 1))?.membership).toEqual({
      organizationId: first.organizationId,
      role: "submitter",
    });

    // The chosen organization removes them: the session goes on in the one they still belong to.
    await removeMember(contextFor(t.db, second.organizationId, second.admin, "admin"), {
      membershipId: secondMembership,
    });
    const other = await createSession(t.db, { userId: user.id, organizationId: second.organizationId, days: 1 });
    expect(await readSession(t.db, chosen.token, 1)).toBeNull(); // removal ended it
    expect((await readSession(t.db, other.token, 1))?.membership).toEqual({
      organizationId: first.organizationId,
      role: "submitter",
    });

    await removeMember(contextFor(t.db, first.organizationId, first.admin, "admin"), { membershipId: firstMembership });
    const homeless = await createSession(t.db, { userId: user.id, organizationId: null, days: 1 });
    const session = await readSession(t.db, homeless.token, 1);
    expect(session?.user).toEqual({ id: user.id, email: user.email, name: user.email.split("@")[0] });
    expect(session?.membership).toBeNull();
  });

  it("tells an open stream when its viewer is signed out, expired, demoted or removed", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Streams");
    const adminCtx = contextFor(t.db, organizationId, admin, "admin");
    const user = await createUser(t.db, `viewer-${provider}-${randomBytes(3).toString("hex")}@example.com`);
    const membershipId = await addMembership(t.db, organizationId, user.id, "admin");
    const opened = async () => {
      const s = await createSession(t.db, { userId: user.id, organizationId, days: 1 });
      return {
        token: s.token,
        ctx: { ...contextFor(t.db, organizationId, user, "admin"), sessionId: hashToken(s.token) },
      };
    };

    const a = await opened();
    expect(await stillAllowed(a.ctx, "audit.view")).toBe(true);
    await deleteSession(t.db, a.token);
    expect(await stillAllowed(a.ctx, "audit.view")).toBe(false);

    const b = await opened();
    expect(await stillAllowed(b.ctx, "audit.view", new Date(Date.now() + 2 * 86_400_000))).toBe(false);

    await changeMemberRole(adminCtx, { membershipId, role: "developer" });
    expect(await stillAllowed(b.ctx, "audit.view")).toBe(false);
    expect(await stillAllowed(b.ctx, "resources.view")).toBe(true);

    await removeMember(adminCtx, { membershipId });
    expect(await stillAllowed(b.ctx, "resources.view")).toBe(false);
    // Without a session (an API caller), membership alone decides.
    expect(await stillAllowed(contextFor(t.db, organizationId, user, "developer"), "resources.view")).toBe(false);
    expect(await stillAllowed(adminCtx, "resources.view")).toBe(true);
  });

  describe("sign-in lockout", () => {
    // Each test its own address with room to spare: this describes the per-account limit.
    const opts = anyAddress();
    const attempt = (email: string, password: string) =>
      signIn(t.db, { email, password }, opts).then(
        () => "ok",
        (e: { code?: string }) => e.code ?? "error",
      );

    it(`locks the account after ${MAX_FAILURES} wrong passwords, whatever is tried next, for ${LOCK_MINUTES} minutes`, async () => {
      const user = await createUser(t.db, `locked-${provider}-${randomBytes(3).toString("hex")}@example.com`);
      for (let i = 0; i < MAX_FAILURES - 1; i++) expect(await attempt(user.email, "wrong")).toBe("UNAUTHENTICATED");
      // One short of the limit, the right password still works and clears the count.
      expect(await attempt(user.email, PASSWORD)).toBe("ok");
      for (let i = 0; i < MAX_FAILURES; i++) expect(await attempt(user.email, "wrong")).toBe("UNAUTHENTICATED");
      expect(await attempt(user.email, PASSWORD)).toBe("RATE_LIMITED");
      expect(await attempt(user.email, "wrong")).toBe("RATE_LIMITED");
      const row = await t.db.user.findUniqueOrThrow({ where: { id: user.id } });
      const lockedFor = (row.lockedUntil?.getTime() ?? 0) - Date.now();
      expect(lockedFor).toBeGreaterThan((LOCK_MINUTES - 1) * 60_000);
      expect(lockedFor).toBeLessThanOrEqual(LOCK_MINUTES * 60_000);

      // When the lock runs out, the right password works again.
      await t.db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      expect(await attempt(user.email, PASSWORD)).toBe("ok");
      expect(await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
        failedLoginCount: 0,
        lockedUntil: null,
      });
    });

    it("counts wrong passwords sent all at once: a burst gets no more guesses than the limit", async () => {
      const user = await createUser(t.db, `burst-${provider}-${randomBytes(3).toString("hex")}@example.com`);
      const burst = await Promise.all(Array.from({ length: 4 * MAX_FAILURES }, () => attempt(user.email, "wrong")));
      // Every one refused, and at most MAX_FAILURES of them got as far as checking a password.
      expect(burst.every((r) => r === "UNAUTHENTICATED" || r === "RATE_LIMITED")).toBe(true);
      expect(burst.filter((r) => r === "UNAUTHENTICATED").length).toBeLessThanOrEqual(MAX_FAILURES);
      expect(await attempt(user.email, PASSWORD)).toBe("RATE_LIMITED");
    });

    it("answers an unknown email exactly as a wrong password", async () => {
      expect(await attempt(`nobody-${randomBytes(4).toString("hex")}@example.com`, "whatever")).toBe("UNAUTHENTICATED");
    });
  });

  describe("sign-in limit per client address", () => {
    const LIMIT = 6;
    const attemptFrom = (address: string, email: string, password: string) =>
      signIn(t.db, { email, password }, { sessionDays: 1, address, failuresPerAddress: LIMIT }).then(
        () => "ok",
        (e: { code?: string }) => e.code ?? "error",
      );
    const newAddress = () => `203.0.113.${randomBytes(2).readUInt16BE()}-${provider}`;

    it("refuses an address after its failures across many accounts, and only that address", async () => {
      const address = newAddress();
      // One wrong password on each of many accounts: no account comes near its own lockout.
      for (let i = 0; i < LIMIT; i++) {
        const victim = await createUser(t.db, `spray-${i}-${provider}-${randomBytes(3).toString("hex")}@example.com`);
        expect(await attemptFrom(address, victim.email, "Winter2026!")).toBe("UNAUTHENTICATED");
      }
      const user = await createUser(t.db, `sprayed-${provider}-${randomBytes(3).toString("hex")}@example.com`);
      // Past the allowance even the right password is refused from that address, without a check…
      expect(await attemptFrom(address, user.email, PASSWORD)).toBe("RATE_LIMITED");
      // …and the account itself is not locked: from another address it signs in.
      expect(await attemptFrom(newAddress(), user.email, PASSWORD)).toBe("ok");
      const row = await t.db.rateLimit.findUniqueOrThrow({ where: { key: `sign-in:${address}` } });
      expect(Number(row.windowStart) + ADDRESS_WINDOW_MINUTES * 60_000).toBeGreaterThan(Date.now());

      // When the window has passed, the address starts again.
      await t.db.rateLimit.update({
        where: { key: `sign-in:${address}` },
        data: { windowStart: BigInt(Date.now() - ADDRESS_WINDOW_MINUTES * 60_000 - 1) },
      });
      expect(await attemptFrom(address, user.email, PASSWORD)).toBe("ok");
    });

    it("counts a burst from one address: no more than the allowance gets a password checked", async () => {
      const address = newAddress();
      const users = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          createUser(t.db, `burst-addr-${i}-${provider}-${randomBytes(3).toString("hex")}@example.com`),
        ),
      );
      const burst = await Promise.all(
        Array.from({ length: 4 * LIMIT }, (_, i) => attemptFrom(address, users[i % users.length]!.email, "wrong")),
      );
      expect(burst.every((r) => r === "UNAUTHENTICATED" || r === "RATE_LIMITED")).toBe(true);
      expect(burst.filter((r) => r === "UNAUTHENTICATED").length).toBeLessThanOrEqual(LIMIT);
      expect(burst.filter((r) => r === "RATE_LIMITED").length).toBeGreaterThanOrEqual(3 * LIMIT);
    });

    it("does not spend the allowance on successful sign-ins", async () => {
      const address = newAddress();
      const user = await createUser(t.db, `office-${provider}-${randomBytes(3).toString("hex")}@example.com`);
      // A busy office behind one address: many good sign-ins and a few typos.
      for (let i = 0; i <= LIMIT; i++) expect(await attemptFrom(address, user.email, PASSWORD)).toBe("ok");
      for (let i = 0; i < LIMIT - 1; i++) {
        expect(await attemptFrom(address, `typo-${i}-${randomBytes(3).toString("hex")}@example.com`, "x")).toBe(
          "UNAUTHENTICATED",
        );
      }
      expect(await attemptFrom(address, user.email, PASSWORD)).toBe("ok");
    });
  });
});

// Accounts and sessions (issue 6, proof 6): removing a member ends their console sessions and
// their access keys stop working on the very next signed /v1 call; a changed role applies to
// the next call; an expired session is refused; wrong passwords slow down the address that sends
// them (and, spread over many addresses, new addresses), never the owner at home, also when they
// arrive all at once.
import { randomBytes } from "node:crypto";
import { CreateComputeEnvironmentCommand, DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { resolveMembership, stillAllowed } from "@/lib/auth/context";
import { createSession, deleteSession, hashToken, readSession, sessionWritesSettled } from "@/lib/auth/session";
import { ACCOUNT_BACKOFF, ADDRESS_ACCOUNT_BACKOFF, ADDRESS_WINDOW_MINUTES, signIn } from "@/lib/auth/sign-in";
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

  describe("sign-in backoff", () => {
    // Every attempt from an address of its own with room to spare under the per-address
    // allowance: these describe the backoffs. The clock is passed in and moved by hand.
    const attemptAt = (now: number, address: string, email: string, password: string) =>
      signIn(t.db, { email, password }, { sessionDays: 1, address, failuresPerAddress: 1_000, now }).then(
        () => "ok",
        (e: { code?: string; message?: string }) =>
          e.code === "RATE_LIMITED" ? `slowed: ${e.message}` : (e.code ?? "error"),
      );
    const newAddress = () => `192.0.2.${randomBytes(3).toString("hex")}-${provider}`;
    const newEmail = (name: string) => `${name}-${provider}-${randomBytes(3).toString("hex")}@example.com`;
    const slowed = (wait: string) => `slowed: Too many failed sign-in attempts. Try again in ${wait}.`;
    const FREE = ADDRESS_ACCOUNT_BACKOFF.free;

    it("wrong passwords from one address do not keep the right password out from another", async () => {
      const user = await createUser(t.db, newEmail("victim"));
      const attacker = newAddress();
      const now = Date.now();
      for (let i = 0; i < 3 * FREE; i++) await attemptAt(now, attacker, user.email, "wrong");
      expect(await attemptAt(now, attacker, user.email, PASSWORD)).toMatch(/^slowed: /);
      expect(await attemptAt(now, newAddress(), user.email, PASSWORD)).toBe("ok");
    });

    it(`backs the guessing address off after ${FREE} failures, doubling up to a cap, until the right password clears it`, async () => {
      const user = await createUser(t.db, newEmail("backoff"));
      const address = newAddress();
      let now = Date.now();
      for (let i = 0; i < FREE; i++) expect(await attemptAt(now, address, user.email, "wrong")).toBe("UNAUTHENTICATED");
      // The right password is refused: no password is checked before the wait is over.
      expect(await attemptAt(now, address, user.email, PASSWORD)).toBe(slowed("30 seconds"));
      expect(await attemptAt(now + 29_000, address, user.email, PASSWORD)).toBe(slowed("1 second"));
      // Each failure after the wait doubles the next wait, up to 15 minutes.
      const waits = [30, 60, 120, 240, 480, 900, 900].map((s) => s * 1000);
      const said = ["1 minute", "2 minutes", "4 minutes", "8 minutes", "15 minutes", "15 minutes", "15 minutes"];
      for (const [i, wait] of waits.entries()) {
        now += wait;
        expect(await attemptAt(now - 1, address, user.email, PASSWORD)).toMatch(/^slowed: /);
        expect(await attemptAt(now, address, user.email, "wrong")).toBe("UNAUTHENTICATED");
        expect(await attemptAt(now, address, user.email, PASSWORD)).toBe(slowed(said[i] ?? ""));
      }
      // Refusals did not push the wait out; when it ends the right password works and clears it.
      now += 900_000;
      expect(await attemptAt(now, address, user.email, PASSWORD)).toBe("ok");
      for (let i = 0; i < FREE; i++) expect(await attemptAt(now, address, user.email, "wrong")).toBe("UNAUTHENTICATED");
      expect(await attemptAt(now, address, user.email, "wrong")).toBe(slowed("30 seconds"));
    });

    it("counts wrong passwords sent all at once: a burst from one address gets only the free tries checked", async () => {
      const user = await createUser(t.db, newEmail("burst"));
      const address = newAddress();
      const now = Date.now();
      const burst = await Promise.all(
        Array.from({ length: 4 * FREE }, () => attemptAt(now, address, user.email, "wrong")),
      );
      // UNAUTHENTICATED is a password checked; a slowed attempt checked none.
      expect(burst.filter((r) => r === "UNAUTHENTICATED").length).toBeLessThanOrEqual(FREE);
      expect(burst.filter((r) => r === slowed("30 seconds")).length).toBeGreaterThanOrEqual(3 * FREE);
      expect(await attemptAt(now, address, user.email, PASSWORD)).toBe(slowed("30 seconds"));
      expect(await attemptAt(now, newAddress(), user.email, PASSWORD)).toBe("ok");
    });

    it("slows guesses spread over many addresses, but not the owner from an address they signed in from", async () => {
      const owner = await createUser(t.db, newEmail("spread"));
      const nobody = newEmail("spread-nobody");
      const home = newAddress();
      const start = Date.now();
      expect(await attemptAt(start - 86_400_000, home, owner.email, PASSWORD)).toBe("ok");

      // More addresses than the account allows failures, each guessing once, all at once; the
      // same against an email no account has, which must be answered alike.
      const spread = ACCOUNT_BACKOFF.free + 10;
      const attack = (email: string) =>
        Promise.all(Array.from({ length: spread }, () => attemptAt(start, newAddress(), email, "Winter2026!")));
      const [guesses, unknownGuesses] = await Promise.all([attack(owner.email), attack(nobody)]);
      const tally = (answers: string[]) => ({
        checked: answers.filter((r) => r === "UNAUTHENTICATED").length,
        slowed: answers.filter((r) => r === slowed("30 seconds")).length,
      });
      // The account's free failures got a password checked, no more; the rest were turned away.
      expect(tally(guesses)).toEqual({ checked: ACCOUNT_BACKOFF.free, slowed: spread - ACCOUNT_BACKOFF.free });
      expect(tally(unknownGuesses)).toEqual(tally(guesses));

      // A new address is slowed, even with the right password; home is not, right or wrong.
      expect(await attemptAt(start, newAddress(), owner.email, PASSWORD)).toBe(slowed("30 seconds"));
      expect(await attemptAt(start, newAddress(), nobody, PASSWORD)).toBe(slowed("30 seconds"));
      expect(await attemptAt(start, home, owner.email, "typo")).toBe("UNAUTHENTICATED");
      expect(await attemptAt(start, home, owner.email, PASSWORD)).toBe("ok");

      // After the wait one new address gets a guess, and the next wait is twice as long.
      expect(await attemptAt(start + 30_000, newAddress(), owner.email, "Summer2026!")).toBe("UNAUTHENTICATED");
      expect(await attemptAt(start + 30_000, newAddress(), owner.email, PASSWORD)).toBe(slowed("1 minute"));
      expect(await attemptAt(start + 30_000, home, owner.email, PASSWORD)).toBe("ok");

      // When the attack has been quiet for 15 minutes after its last wait, new addresses are welcome again.
      const quiet = start + 90_000 + ACCOUNT_BACKOFF.forgetMs;
      expect(await attemptAt(quiet, newAddress(), owner.email, PASSWORD)).toBe("ok");
    }, 120_000);

    it("answers an unknown email as a known one with wrong passwords", async () => {
      const known = await createUser(t.db, newEmail("known"));
      const script = async (email: string) => {
        const address = newAddress();
        const now = Date.now();
        const answers: string[] = [];
        for (let i = 0; i <= FREE; i++) answers.push(await attemptAt(now, address, email, "wrong"));
        answers.push(await attemptAt(now + 29_000, address, email, "wrong"));
        answers.push(await attemptAt(now + 30_000, address, email, "wrong"));
        answers.push(await attemptAt(now + 30_000, address, email, "wrong"));
        answers.push(await attemptAt(now + 30_000, newAddress(), email, "wrong"));
        return answers;
      };
      const answers = await script(known.email);
      expect(answers).toEqual([
        ...Array.from({ length: FREE }, () => "UNAUTHENTICATED"),
        slowed("30 seconds"),
        slowed("1 second"),
        "UNAUTHENTICATED",
        slowed("1 minute"),
        "UNAUTHENTICATED",
      ]);
      expect(await script(newEmail("nobody"))).toEqual(answers);
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

// Single sign-on with OpenID Connect (issue 16), against a real provider: oidc-provider on
// loopback (tests/helpers/oidc-provider.ts), its login and consent pages driven with fetch. Each
// sign-in goes through the same functions as /sso/start and /sso/callback (start, the provider,
// finish), on both databases: linking by verified email only, allowed domains, creating members,
// the (issuer, sub) link surviving an email change, single-use and expiring state, the browser
// binding, "require single sign-on" with its break-glass admin, and the client secret sealed and
// never read back.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OrgContext, stillAllowed } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { createSession, hashToken, readSession } from "@/lib/auth/session";
import { signIn } from "@/lib/auth/sign-in";
import { AppError } from "@/lib/errors";
import { changeMemberRole } from "@/lib/members/change-member-role";
import { removeMember } from "@/lib/members/remove-member";
import { switchOrganization } from "@/lib/organizations/switch-organization";
import { resealSecrets } from "@/lib/reseal-secrets";
import { defaultKeyring, parseSecretKey } from "@/lib/secrets";
import { deleteSsoProvider } from "@/lib/sso/delete-sso-provider";
import { finishSsoSignIn } from "@/lib/sso/finish-sign-in";
import { getSsoSettings } from "@/lib/sso/get-sso-settings";
import { type SsoProblem, SsoSignInError } from "@/lib/sso/problems";
import type { SsoPolicy } from "@/lib/sso/providers";
import { saveSsoProvider } from "@/lib/sso/save-sso-provider";
import { saveSsoProviderInput } from "@/lib/sso/schemas";
import { openSsoClientSecret } from "@/lib/sso/seal";
import { startSsoSignIn } from "@/lib/sso/start-sign-in";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { signInAtProvider, startOidcProvider, type TestProvider } from "../helpers/oidc-provider";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

// Never connected to: the provider sends the browser here, and the tests read the URL instead.
const REDIRECT = "http://127.0.0.1:9/sso/callback";
const PASSWORD = "correct horse battery"; // tests/helpers/fixtures.ts gives every test user this one.
const tag = () => randomBytes(4).toString("hex");

async function problemOf(promise: Promise<unknown>): Promise<SsoProblem | string> {
  try {
    await promise;
    return "signed in";
  } catch (error) {
    if (error instanceof SsoSignInError) return error.problem;
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe.each(PROVIDERS)("single sign-on on %s", (provider) => {
  let t: TestDatabase;
  let idp: TestProvider;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    idp = await startOidcProvider({ redirectUris: [REDIRECT] });
  });
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  /** An organization with its admin and the admin's context, its provider saved with `settings`. */
  async function orgWithSso(settings: Record<string, unknown> = {}) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, `Sso ${tag()}`);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const { slug } = await t.db.organization.findUniqueOrThrow({
      where: { id: organizationId },
      select: { slug: true },
    });
    await save(ctx, settings);
    return { organizationId, admin, ctx, slug };
  }

  function save(ctx: OrgContext, settings: Record<string, unknown>) {
    const input = parseInput(saveSsoProviderInput, {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: "",
      defaultRole: "submitter",
      createMembers: false,
      requireSso: false,
      breakGlassUserId: null,
      enabled: true,
      ...settings,
    });
    return saveSsoProvider(ctx, input, { hosted: false });
  }

  /** An account at the provider; returns its subject. */
  function account(email: string, verified = true, name = "Pat Example") {
    const sub = `sub-${tag()}`;
    idp.accounts.set(sub, { email, email_verified: verified, name });
    return sub;
  }

  /** /sso/start, the provider's pages, then the callback's work, as one browser would. */
  async function ssoSignIn(org: string | null, sub: string, opts: { install?: SsoPolicy | null; next?: string } = {}) {
    const started = await startSsoSignIn(
      t.db,
      { org: org ?? undefined, next: opts.next ?? "/" },
      { redirectUri: REDIRECT, hosted: false, install: opts.install },
    );
    const callbackUrl = await signInAtProvider(started.authorizationUrl.href, sub, REDIRECT);
    return finishSsoSignIn(t.db, {
      callbackUrl,
      browserState: started.state,
      sessionDays: 1,
      hosted: false,
      install: opts.install,
    });
  }

  it("links an existing member by verified email, signs them in to that organization, and audits it", async () => {
    const { organizationId, admin, slug } = await orgWithSso();
    const sub = account(admin.email);
    const signedIn = await ssoSignIn(slug, sub, { next: "/jobs?status=RUNNING" });
    expect(signedIn.userId).toBe(admin.id);
    expect(signedIn.next).toBe("/jobs?status=RUNNING");
    const session = await readSession(t.db, signedIn.token, 1);
    expect(session?.membership).toEqual({ organizationId, role: "admin" });
    const identity = await t.db.ssoIdentity.findUniqueOrThrow({
      where: { issuer_subject: { issuer: idp.issuer, subject: sub } },
    });
    expect(identity).toMatchObject({ userId: admin.id, email: admin.email });
    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "sso.signIn" } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ linked: true, joined: false });
  });

  it("refuses an email the provider did not verify, and a domain the organization does not allow", async () => {
    const { slug } = await orgWithSso({ allowedDomains: "allowed.example" });
    const member = await createUser(t.db, `unverified-${tag()}@allowed.example`);
    expect(await problemOf(ssoSignIn(slug, account(member.email, false)))).toBe("unverified");
    const outsider = await createUser(t.db, `outsider-${tag()}@example.com`);
    expect(await problemOf(ssoSignIn(slug, account(outsider.email)))).toBe("domainNotAllowed");
    expect(await t.db.ssoIdentity.count({ where: { userId: { in: [member.id, outsider.id] } } })).toBe(0);
  });

  it("with createMembers off, refuses a non-member and someone without an account", async () => {
    const { organizationId, slug } = await orgWithSso();
    const elsewhere = await createUser(t.db, `elsewhere-${tag()}@example.com`);
    expect(await problemOf(ssoSignIn(slug, account(elsewhere.email)))).toBe("notMember");
    const nobody = `nobody-${tag()}@example.com`;
    expect(await problemOf(ssoSignIn(slug, account(nobody)))).toBe("notMember");
    expect(await t.db.user.count({ where: { email: nobody } })).toBe(0);
    expect(await t.db.membership.count({ where: { organizationId, userId: elsewhere.id } })).toBe(0);
  });

  it("with createMembers on, creates the account and the membership with the default role", async () => {
    const { organizationId, slug } = await orgWithSso({ createMembers: true, defaultRole: "developer" });
    const email = `new-${tag()}@example.com`;
    const signedIn = await ssoSignIn(slug, account(email, true, "New Person"));
    const user = await t.db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ id: signedIn.userId, name: "New Person", isOperator: false });
    const session = await readSession(t.db, signedIn.token, 1);
    expect(session?.membership).toEqual({ organizationId, role: "developer" });
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "member.join", targetId: user.id } })).toBe(
      1,
    );
    // Nobody knows the new account's password.
    expect(
      await problemOf(
        signIn(
          t.db,
          { email, password: PASSWORD },
          { sessionDays: 1, address: "198.51.100.7", failuresPerAddress: 100 },
        ),
      ),
    ).toMatch(/^UNAUTHENTICATED/);
  });

  it("signs a known (issuer, sub) in as the same user after the provider's email changes", async () => {
    const { admin, slug } = await orgWithSso();
    const sub = account(admin.email);
    const first = await ssoSignIn(slug, sub);
    idp.accounts.set(sub, { email: `renamed-${tag()}@elsewhere.example`, email_verified: false });
    const second = await ssoSignIn(slug, sub);
    expect(second.userId).toBe(first.userId);
    expect(second.userId).toBe(admin.id);
  });

  it("uses a state once, only in the browser that started it, and not after ten minutes", async () => {
    const { admin, slug } = await orgWithSso();
    const sub = account(admin.email);
    const started = await startSsoSignIn(t.db, { org: slug, next: "/" }, { redirectUri: REDIRECT, hosted: false });
    const callbackUrl = await signInAtProvider(started.authorizationUrl.href, sub, REDIRECT);
    const finish = (browserState: string | undefined) =>
      finishSsoSignIn(t.db, { callbackUrl, browserState, sessionDays: 1, hosted: false });
    expect(await problemOf(finish(undefined))).toBe("otherBrowser");
    expect(await problemOf(finish("another-browsers-state"))).toBe("otherBrowser");
    expect((await finish(started.state)).userId).toBe(admin.id);
    expect(await problemOf(finish(started.state))).toBe("expired");

    const old = await startSsoSignIn(
      t.db,
      { org: slug, next: "/" },
      { redirectUri: REDIRECT, hosted: false, now: Date.now() - 11 * 60_000 },
    );
    const late = await signInAtProvider(old.authorizationUrl.href, sub, REDIRECT);
    expect(
      await problemOf(
        finishSsoSignIn(t.db, { callbackUrl: late, browserState: old.state, sessionDays: 1, hosted: false }),
      ),
    ).toBe("expired");
    // A sign-in's row is gone once used or expired (the expired one is pruned by the next start).
    await startSsoSignIn(t.db, { org: slug, next: "/" }, { redirectUri: REDIRECT, hosted: false });
    expect(await t.db.ssoLoginState.count({ where: { expiresAt: { lte: new Date() } } })).toBe(0);
  });

  it("refuses the install's operator through an organization's provider", async () => {
    const { organizationId, slug } = await orgWithSso();
    const operator = await createUser(t.db, `operator-${tag()}@example.com`);
    await t.db.user.update({ where: { id: operator.id }, data: { isOperator: true } });
    await addMembership(t.db, organizationId, operator.id, "admin");
    expect(await problemOf(ssoSignIn(slug, account(operator.email)))).toBe("operator");
  });

  it("keeps a session started by an organization's provider in that organization", async () => {
    const { organizationId, slug } = await orgWithSso();
    const other = await createOrgWithAdmin(t.db, `Other ${tag()}`);
    const user = await createUser(t.db, `two-orgs-${tag()}@example.com`);
    await addMembership(t.db, other.organizationId, user.id, "admin");
    await addMembership(t.db, organizationId, user.id, "submitter");
    const signedIn = await ssoSignIn(slug, account(user.email));
    // Even pointed at the other organization (the switcher's write), it acts only here.
    await t.db.session.updateMany({ where: { userId: user.id }, data: { organizationId: other.organizationId } });
    const session = await readSession(t.db, signedIn.token, 1);
    expect(session?.membership).toEqual({ organizationId, role: "submitter" });
  });

  it("requires single sign-on: password sessions stop acting there except the break-glass admin's", async () => {
    const { organizationId, admin, ctx, slug } = await orgWithSso();
    const member = await createUser(t.db, `member-${tag()}@example.com`);
    await addMembership(t.db, organizationId, member.id, "developer");
    const passwordSession = await createSession(t.db, { userId: member.id, organizationId, days: 1 });
    // A live log stream the member opened with that session (lib/logs/log-hub.ts re-checks it).
    const streamOf = (user: { id: string; email: string }, token: string, role: "developer" | "admin") => ({
      ...contextFor(t.db, organizationId, user, role),
      sessionId: hashToken(token),
    });
    const memberStream = streamOf(member, passwordSession.token, "developer");
    expect(await stillAllowed(memberStream, "resources.view")).toBe(true);
    const passwordSignIn = (email: string) =>
      signIn(t.db, { email, password: PASSWORD }, { sessionDays: 1, address: "198.51.100.9", failuresPerAddress: 100 });

    // Refused without a break-glass admin, or with one who is not an admin.
    expect(await problemOf(save(ctx, { requireSso: true }))).toMatch(/^INVALID_INPUT: Choose a break-glass admin/);
    expect(await problemOf(save(ctx, { requireSso: true, breakGlassUserId: member.id }))).toMatch(
      /must be an admin of this organization/,
    );
    expect(await problemOf(save(ctx, { requireSso: true, enabled: false, breakGlassUserId: admin.id }))).toMatch(
      /Turn single sign-on on/,
    );
    await save(ctx, { requireSso: true, breakGlassUserId: admin.id });

    // The member: no password sign-in (their only organization), an open session loses it at once.
    expect(await problemOf(passwordSignIn(member.email))).toMatch(
      /^FORBIDDEN: .* requires single sign-on: use "Sign in with SSO"/,
    );
    expect((await readSession(t.db, passwordSession.token, 1))?.membership).toBeNull();
    // ...and its open log stream ends with it.
    expect(await stillAllowed(memberStream, "resources.view")).toBe(false);
    // Through the provider they act there as before.
    const sso = await ssoSignIn(slug, account(member.email));
    expect((await readSession(t.db, sso.token, 1))?.membership).toEqual({ organizationId, role: "developer" });
    expect(await stillAllowed(streamOf(member, sso.token, "developer"), "resources.view")).toBe(true);
    // The break-glass admin still signs in with a password.
    const glass = await passwordSignIn(admin.email);
    expect((await readSession(t.db, glass.token, 1))?.membership).toEqual({ organizationId, role: "admin" });
    expect(await stillAllowed(streamOf(admin, glass.token, "admin"), "resources.view")).toBe(true);

    // A member of another organization too signs in there with a password, not here.
    const other = await createOrgWithAdmin(t.db, `Plain ${tag()}`);
    await addMembership(t.db, other.organizationId, member.id, "submitter");
    const elsewhere = await passwordSignIn(member.email);
    expect((await readSession(t.db, elsewhere.token, 1))?.membership).toEqual({
      organizationId: other.organizationId,
      role: "submitter",
    });
    // Switching that password session here sends them through the provider; nothing changes.
    const elsewhereId = hashToken(elsewhere.token);
    const switchHere = () => switchOrganization(t.db, { sessionId: elsewhereId, userId: member.id, organizationId });
    expect(await switchHere()).toEqual({ switched: false, ssoRequiredBy: { slug } });
    expect((await readSession(t.db, elsewhere.token, 1))?.membership?.organizationId).toBe(other.organizationId);
    // And a session the provider started stays here: the other organization is not its to enter.
    const ssoId = hashToken(sso.token);
    expect(
      await switchOrganization(t.db, { sessionId: ssoId, userId: member.id, organizationId: other.organizationId }),
    ).toEqual({ switched: false, otherOrganizationsSso: true });
    expect(await switchOrganization(t.db, { sessionId: ssoId, userId: member.id, organizationId })).toEqual({
      switched: true,
    });

    // Turning the provider off lifts the requirement (nobody could get in otherwise).
    await save(ctx, { requireSso: false, enabled: false });
    expect((await readSession(t.db, passwordSession.token, 1))?.membership).toEqual({
      organizationId,
      role: "developer",
    });
    expect(await stillAllowed(memberStream, "resources.view")).toBe(true);
  });

  it("keeps the break-glass admin an admin and a member while single sign-on is required", async () => {
    const { organizationId, admin, ctx } = await orgWithSso();
    const second = await createUser(t.db, `second-${tag()}@example.com`);
    await addMembership(t.db, organizationId, second.id, "admin");
    const { id: membershipId } = await t.db.membership.findFirstOrThrow({
      where: { organizationId, userId: admin.id },
      select: { id: true },
    });
    const secondCtx = contextFor(t.db, organizationId, second, "admin");
    await save(ctx, { requireSso: true, breakGlassUserId: admin.id });

    const refusal = /^CONFLICT: .* they are the break-glass admin of single sign-on/;
    expect(await problemOf(changeMemberRole(secondCtx, { membershipId, role: "developer" }))).toMatch(refusal);
    expect(await problemOf(removeMember(secondCtx, { membershipId }))).toMatch(refusal);
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: membershipId } })).role).toBe("admin");

    // Once another admin is the break-glass admin, the first is a member like any other.
    await save(ctx, { requireSso: true, breakGlassUserId: second.id });
    await changeMemberRole(secondCtx, { membershipId, role: "developer" });
    expect((await t.db.membership.findUniqueOrThrow({ where: { id: membershipId } })).role).toBe("developer");
  });

  it("seals the client secret, never reads it back, keeps it on edit and re-seals it on key rotation", async () => {
    const { organizationId, ctx } = await orgWithSso({ clientSecret: "the-very-secret-value-42" });
    const row = await t.db.ssoProvider.findUniqueOrThrow({ where: { organizationId } });
    expect(row.clientSecretSealed).not.toContain("the-very-secret-value-42");
    expect(openSsoClientSecret(row)).toBe("the-very-secret-value-42");
    // Bound to its organization: copied onto another one's row, it does not open.
    expect(() => openSsoClientSecret({ ...row, organizationId: "another-org" })).toThrow();

    const settings = await getSsoSettings(ctx);
    const shown = JSON.stringify(settings);
    expect(shown).not.toContain("the-very-secret-value-42");
    expect(shown).not.toContain(row.clientSecretSealed);
    expect(settings.provider).toMatchObject({ clientSecretSet: true, issuer: idp.issuer });
    const audits = await t.db.auditEvent.findMany({ where: { organizationId, action: { startsWith: "sso." } } });
    expect(JSON.stringify(audits)).not.toContain("the-very-secret-value-42");

    // An edit without a secret keeps the stored one.
    await save(ctx, { clientSecret: "", allowedDomains: "example.com" });
    const kept = await t.db.ssoProvider.findUniqueOrThrow({ where: { organizationId } });
    expect(kept.clientSecretSealed).toBe(row.clientSecretSealed);
    expect(kept.allowedDomains).toBe('["example.com"]');

    const rotated = {
      primary: parseSecretKey(randomBytes(32).toString("base64")),
      previous: [defaultKeyring().primary],
    };
    expect((await resealSecrets(t.db, rotated)).resealed).toBeGreaterThanOrEqual(1);
    const moved = await t.db.ssoProvider.findUniqueOrThrow({ where: { organizationId } });
    expect(openSsoClientSecret(moved, rotated)).toBe("the-very-secret-value-42");

    await deleteSsoProvider(ctx);
    expect(await t.db.ssoProvider.count({ where: { organizationId } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "sso.delete" } })).toBe(1);
  });

  it("checks the issuer when saving: its scheme, and that its discovery document can be read", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, `Issuer ${tag()}`);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    expect(await problemOf(save(ctx, { issuer: "http://login.example.com" }))).toMatch(/must start with https:\/\//);
    expect(await problemOf(save(ctx, { issuer: `${idp.issuer}/nowhere` }))).toMatch(
      /^INVALID_INPUT: Could not read this provider's discovery document/,
    );
    // On a hosted install a loopback issuer is refused before anything is fetched.
    const input = parseInput(saveSsoProviderInput, {
      issuer: idp.issuer,
      clientId: "x",
      clientSecret: "y",
      defaultRole: "submitter",
      createMembers: false,
      requireSso: false,
      enabled: true,
    });
    expect(await problemOf(saveSsoProvider(ctx, input, { hosted: true }))).toMatch(/must start with https:\/\//);
    expect(await t.db.ssoProvider.count({ where: { organizationId } })).toBe(0);
  });

  it("the install-wide provider signs existing accounts in by verified email and never creates one", async () => {
    const install: SsoPolicy = {
      organization: null,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: [],
      defaultRole: "submitter",
      createMembers: false,
    };
    const { organizationId, admin } = await createOrgWithAdmin(t.db, `Install ${tag()}`);
    const signedIn = await ssoSignIn(null, account(admin.email), { install });
    expect((await readSession(t.db, signedIn.token, 1))?.membership).toEqual({ organizationId, role: "admin" });
    const nobody = `install-nobody-${tag()}@example.com`;
    expect(await problemOf(ssoSignIn(null, account(nobody), { install }))).toBe("noAccount");
    expect(await t.db.user.count({ where: { email: nobody } })).toBe(0);
    expect(await problemOf(ssoSignIn(null, account(admin.email), { install: null }))).toBe("notConfigured");
  });
});

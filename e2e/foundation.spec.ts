import { expect, test } from "@playwright/test";
import {
  ADMIN,
  acceptInvitation,
  acceptInvitationWithAccount,
  inviteMember,
  METRICS_TOKEN,
  signIn,
  signOut,
  signUpWithOrganization,
  uniqueEmail,
} from "./helpers";

test("health answers without signing in and reveals nothing else", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.database).toBe("ok");
  expect(Object.keys(body).sort()).toEqual(["database", "engine", "status"]);
  // Whether an engine leads and how fresh it is; not which one (its id names the host and process).
  expect(Object.keys(body.engine).sort()).toEqual(["ageSeconds", "status"]);
  await expect
    .poll(async () => (await (await request.get("/api/health")).json()).engine.status, { timeout: 15_000 })
    .toBe("ok");
  // A wrong token is no one's: the same public answer.
  const guessed = await request.get("/api/health", { headers: { authorization: "Bearer not-the-token" } });
  expect(Object.keys((await guessed.json()).engine).sort()).toEqual(["ageSeconds", "status"]);
});

test("health tells the operator which engine leads and its executors, for the metrics token", async ({ request }) => {
  const operator = { authorization: `Bearer ${METRICS_TOKEN}` };
  const body = await (await request.get("/api/health", { headers: operator })).json();
  expect(Object.keys(body.engine).sort()).toEqual([
    "ageSeconds",
    "executors",
    "lastHeartbeat",
    "leader",
    "leaderSince",
    "status",
  ]);
  expect(body.engine.leader).toEqual(expect.any(String));
  // The test servers' engines run jobs in containers (Podman), and say so.
  await expect
    .poll(async () => (await (await request.get("/api/health", { headers: operator })).json()).engine.executors, {
      timeout: 15_000,
    })
    .toEqual({ container: expect.stringMatching(/^podman /), process: true, default: "container" });
});

test("the console requires signing in", async ({ page }) => {
  await page.goto("/settings/members");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Email or password is incorrect.");
});

test("admin adds a member of each role; each signs in and sees what the role allows", async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: "Default" })).toBeVisible();

  const people = {
    Admin: uniqueEmail("admin2"),
    Developer: uniqueEmail("dev"),
    Submitter: uniqueEmail("sub"),
  } as const;
  for (const [role, email] of Object.entries(people) as [keyof typeof people, string][]) {
    const link = await inviteMember(page, email, role);
    expect(link).toContain("/invite/");
    const member = await acceptInvitation(browser, link, `${role} person`, "member-password-1");
    await expect(member.getByText(role, { exact: true })).toBeVisible();
    await member.goto("/settings/members");
    const canManage = role === "Admin";
    await expect(member.getByRole("form", { name: "Add a member" })).toHaveCount(canManage ? 1 : 0);
    await member.goto("/settings/audit");
    if (canManage) await expect(member.getByRole("heading", { name: "Audit log" })).toBeVisible();
    else await expect(member.getByRole("main").getByRole("alert")).toHaveText("Only admins can read the audit log.");
    await signOut(member);
    // And a plain sign-in works with the password chosen at invitation.
    await signIn(member, email, "member-password-1");
    await member.context().close();
  }

  await page.goto("/settings/members");
  for (const email of Object.values(people)) await expect(page.getByText(email)).toBeVisible();

  // The changes are in the audit log, attributed to the admin.
  await page.goto("/settings/audit");
  await expect(page.getByRole("cell", { name: "member.invite" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: `invitation: ${people.Submitter}` })).toBeVisible();
});

test("an admin changes a role and cannot demote the last admin", async ({ page, browser }) => {
  // A fresh organization through sign-up, whose only admin is `email`.
  const context = await browser.newContext();
  const owner = await context.newPage();
  const email = await signUpWithOrganization(owner, "Solo Org", "solo");

  await owner.goto("/settings/members");
  await owner.getByLabel(`Role of ${email}`).selectOption("developer");
  await expect(owner.getByRole("main").getByRole("alert")).toContainText("at least one admin");
  await context.close();

  // The first admin is not a member of Solo Org and cannot see it.
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByLabel("Organization").locator("option", { hasText: "Solo Org" })).toHaveCount(0);
});

test("a user in two organizations switches between them", async ({ page, browser }) => {
  const context = await browser.newContext();
  const owner = await context.newPage();
  await signUpWithOrganization(owner, "Second Org", "owner");
  // The first admin already has an account: the owner is told what any address gets, a link,
  // and nobody joins until the first admin accepts it.
  const link = await inviteMember(owner, ADMIN.email, "Developer");
  await expect(owner.getByRole("cell", { name: ADMIN.email })).toHaveCount(0);
  // Signed in as someone else, the link is refused.
  await owner.goto(link);
  await expect(owner.getByRole("heading", { name: "This invitation is for another address" })).toBeVisible();
  await context.close();

  await acceptInvitationWithAccount(page, link, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: "Second Org" })).toBeVisible();
  await expect(page.getByText("You are signed in as developer.")).toBeVisible();
  // It works once.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();
  await page.goto("/");
  await page.getByLabel("Organization").selectOption({ label: "Default (admin)" });
  await expect(page.getByRole("heading", { name: "Default" })).toBeVisible();
  await page.getByLabel("Organization").selectOption({ label: "Second Org (developer)" });
  await expect(page.getByRole("heading", { name: "Second Org" })).toBeVisible();
  await expect(page.getByText("You are signed in as developer.")).toBeVisible();
  await page.goto("/settings/members");
  await expect(page.getByRole("form", { name: "Add a member" })).toHaveCount(0);
  await page.getByLabel("Organization").selectOption({ label: "Default (admin)" });
  await expect(page.getByRole("heading", { name: "Default" })).toBeVisible();
  await signOut(page);
});

test("a submitter posting the admin's server action directly is refused by the server", async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const subEmail = uniqueEmail("sneaky");
  const subLink = await inviteMember(page, subEmail, "Submitter");

  // Capture the exact request the admin's browser sends for "add member".
  const victim = uniqueEmail("victim");
  await page.goto("/settings/members");
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Email").fill(victim);
  await form.getByLabel("Role").selectOption({ label: "Admin" });
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
    form.getByRole("button", { name: "Add member" }).click(),
  ]);
  await expect(page.getByTestId("invitation-link")).toBeVisible();
  const actionId = request.headers()["next-action"] ?? "";
  const contentType = request.headers()["content-type"] ?? "";
  const body = (request.postDataBuffer() ?? Buffer.alloc(0)).toString("utf8");
  expect(actionId).not.toBe("");

  // The submitter replays it, aimed at a new address, with their own session cookie.
  const submitter = await acceptInvitation(browser, subLink, "Sneaky", "sneaky-password-1");
  const target = uniqueEmail("planted");
  const response = await submitter.request.post("/settings/members", {
    headers: {
      "next-action": actionId,
      "content-type": contentType,
      accept: "text/x-component",
      origin: new URL(submitter.url()).origin,
    },
    data: body.replaceAll(victim, target),
  });
  const text = await response.text();
  expect(text).toContain("FORBIDDEN");
  await submitter.context().close();

  await page.goto("/settings/members");
  await expect(page.getByText(victim)).toBeVisible();
  await expect(page.getByText(target)).toHaveCount(0);
});

test("every page is sent with a content security policy that forbids framing", async ({ request }) => {
  for (const path of ["/login", "/api/health"]) {
    const res = await request.get(path);
    const headers = res.headers();
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], path).toContain("default-src 'self'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-powered-by"], path).toBeUndefined();
  }
});

test("a server action posted from another site is refused, even with the admin's own session", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const victim = uniqueEmail("csrf-victim");
  await page.goto("/settings/members");
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Email").fill(victim);
  await form.getByLabel("Role").selectOption({ label: "Admin" });
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
    form.getByRole("button", { name: "Add member" }).click(),
  ]);
  await expect(page.getByTestId("invitation-link")).toBeVisible();
  const body = (request.postDataBuffer() ?? Buffer.alloc(0)).toString("utf8");

  // The same request as a page on another site would make the admin's browser send it: the
  // admin's cookie (SameSite=Lax keeps it off cross-site POSTs in a browser; this request sends
  // it anyway) and that site's Origin.
  const planted = uniqueEmail("csrf-planted");
  const response = await page.request.post("/settings/members", {
    headers: {
      "next-action": request.headers()["next-action"] ?? "",
      "content-type": request.headers()["content-type"] ?? "",
      accept: "text/x-component",
      origin: "https://attacker.example",
    },
    data: body.replaceAll(victim, planted),
  });
  expect(response.ok()).toBe(false);

  await page.goto("/settings/members");
  await expect(page.getByText(victim)).toBeVisible();
  await expect(page.getByText(planted)).toHaveCount(0);
});

import { type Browser, expect, type Page } from "@playwright/test";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
/** BATCHDECK_METRICS_TOKEN of the e2e servers (scripts/e2e-server.mjs, e2e-hosted-server.mjs). */
export const METRICS_TOKEN = "e2e-operator-metrics-token";

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Batchdeck" })).toBeVisible();
}

/** A unique address per run so specs never collide with rows an earlier spec created. */
export const uniqueEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@e2e.test`;

/** Invite `email` as `role` from the admin's members page; return the invitation link. */
export async function inviteMember(page: Page, email: string, role: "Admin" | "Developer" | "Submitter") {
  await page.goto("/settings/members");
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption({ label: role });
  await form.getByRole("button", { name: "Add member" }).click();
  // The same answer whether or not the address has an account on this install.
  await expect(form.getByText(`Invitation created: send this link to ${email}`)).toBeVisible();
  const link = page.getByTestId("invitation-link");
  await expect(link).toBeVisible();
  return (await link.textContent())?.trim() ?? "";
}

/** Open an invitation in a fresh browser context and accept it; returns the signed-in page. */
export async function acceptInvitation(browser: Browser, link: string, name: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  return page;
}

/**
 * Accept an invitation sent to an address that already has an account: the link asks to sign in
 * as it, sign-in comes back to the invitation, and accepting lands in the organization joined.
 */
export async function acceptInvitationWithAccount(page: Page, link: string, email: string, password: string) {
  await page.goto(link);
  await page.getByRole("link", { name: "Sign in to accept" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Batchdeck" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

/**
 * Sign up a new user with a new organization (sign-up is on in the e2e server); lands on its
 * overview. Returns the owner's email; their password is `${label}-password-1`.
 */
export async function signUpWithOrganization(page: Page, orgName: string, label: string) {
  const email = uniqueEmail(label);
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(`${label} owner`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(`${label}-password-1`);
  await page.getByLabel("Organization name").fill(orgName);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { name: orgName })).toBeVisible();
  return email;
}

/**
 * Confirm in the console's styled dialog (components/ui/confirm-dialog.tsx) that a delete,
 * deregister or removal button opened: every such button asks there, never in window.confirm.
 */
export async function confirmInDialog(page: Page, title: string, button: string) {
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.getByRole("button", { name: button, exact: true }).click();
  await expect(dialog).toBeHidden();
}

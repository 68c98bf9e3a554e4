// Single sign-on through the browser (issue 16): the spec runs its own OpenID provider
// (oidc-provider, tests/helpers/oidc-provider.ts) on loopback. An admin sets it up for their
// organization under Settings → Single sign-on, signs out, signs in with SSO through the
// provider's own login and consent pages and lands in the console as themselves; someone new
// (the provider creates members) lands as a submitter. Hosted servers refuse a loopback issuer,
// as they must, so the spec runs on the laptop-mode server only.
import { expect, type Page, test } from "@playwright/test";
import type { TestProvider } from "../tests/helpers/oidc-provider";
import { signOut, signUpWithOrganization, uniqueEmail } from "./helpers";

let idp: TestProvider | undefined;

test.beforeAll(async () => {
  const { project } = test.info();
  if (project.name !== "chromium") return;
  const baseURL = project.use.baseURL ?? "";
  // Loaded here, so the hosted projects (and runs of other specs) do not load oidc-provider at all.
  const { startOidcProvider } = await import("../tests/helpers/oidc-provider");
  idp = await startOidcProvider({ redirectUris: [`${baseURL}/sso/callback`] });
});

test.afterAll(async () => {
  await idp?.close();
});

/** From the sign-in page, through the provider's pages, as `login`; back in the console. */
async function signInWithSso(page: Page, slug: string, login: string) {
  await page.goto("/login");
  const sso = page.getByRole("form", { name: "Sign in with SSO" });
  await sso.getByLabel("Organization").fill(slug);
  await sso.getByRole("button", { name: "Continue with SSO" }).click();
  // oidc-provider's development login page: any password for a known login.
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

/** The navigation's "signed in as": the email, and the role under it. */
const roleOf = (page: Page, email: string) => page.getByTitle(email).locator("xpath=following-sibling::div[1]");

test("an admin sets up single sign-on, and members sign in through the provider", async ({ page, browser }) => {
  test.skip(test.info().project.name !== "chromium", "hosted servers refuse loopback issuers");
  const provider = idp!;
  const tag = Date.now().toString(36);
  const orgName = `Sso Org ${tag}`;
  const owner = await signUpWithOrganization(page, orgName, "sso");
  provider.accounts.set(`owner-${tag}`, { email: owner, email_verified: true, name: "Sso Owner" });

  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Single sign-on" }).click();
  await expect(page).toHaveURL(/\/settings\/sso$/);
  await expect(page.getByTestId("sso-redirect-uri")).toHaveText(`${test.info().project.use.baseURL}/sso/callback`);
  const slug = ((await page.getByTestId("sso-org-slug").textContent()) ?? "").trim();

  const form = page.getByRole("form", { name: "Single sign-on settings" });
  // A provider that is not there: its discovery document's failure is told beside the field.
  await form.getByLabel("Issuer URL").fill(`${provider.issuer}/missing`);
  await form.getByLabel("Client ID").fill(provider.clientId);
  await form.getByLabel("Client secret").fill(provider.clientSecret);
  await form.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(form.getByText(/Could not read this provider's discovery document/)).toBeVisible();

  await form.getByLabel("Issuer URL").fill(provider.issuer);
  await form.getByLabel("Create accounts and memberships on first sign-in").check();
  await expect(form.getByLabel("Role of new members")).toHaveValue("submitter");
  await form.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved. Members can sign in with single sign-on.");
  // The secret is not sent back: the field is empty and says one is set.
  await expect(form.getByLabel("Client secret (set, type to replace)")).toHaveValue("");

  await signOut(page);
  await signInWithSso(page, slug, `owner-${tag}`);
  await expect(page.getByRole("heading", { name: orgName })).toBeVisible();
  await expect(roleOf(page, owner)).toHaveText("Admin");
  // Sign-out ends the SSO session like any other.
  await signOut(page);
  await page.goto("/jobs");
  await expect(page).toHaveURL(/\/login/);

  // Someone new at the provider joins as the default role.
  const newcomer = uniqueEmail("sso-new");
  provider.accounts.set(`new-${tag}`, { email: newcomer, email_verified: true, name: "New Comer" });
  const context = await browser.newContext();
  const other = await context.newPage();
  await signInWithSso(other, slug, `new-${tag}`);
  await expect(roleOf(other, newcomer)).toHaveText("Submitter");

  // An unverified address is refused, with a way back to sign-in.
  provider.accounts.set(`unverified-${tag}`, { email: uniqueEmail("sso-unverified"), email_verified: false });
  const third = await (await browser.newContext()).newPage();
  await third.goto("/login");
  const sso = third.getByRole("form", { name: "Sign in with SSO" });
  await sso.getByLabel("Organization").fill(slug);
  await sso.getByRole("button", { name: "Continue with SSO" }).click();
  await third.locator('input[name="login"]').fill(`unverified-${tag}`);
  await third.locator('input[name="password"]').fill("any-password");
  await third.getByRole("button", { name: "Sign-in" }).click();
  await third.getByRole("button", { name: "Continue" }).click();
  await expect(third.getByText("Your identity provider did not verify this email address.")).toBeVisible();
  await third.getByRole("link", { name: "Back to sign in" }).click();
  await expect(third.getByRole("heading", { name: "Sign in to Batchdeck" })).toBeVisible();
  await context.close();
});

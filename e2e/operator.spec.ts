import { expect, test } from "@playwright/test";
import { ADMIN, signIn, signOut, signUpWithOrganization } from "./helpers";

// The install's operator (the first admin) sets another organization's quotas; that
// organization's admin sees them, with the usage against each, and has no operator page.
test("the operator sets an organization's quotas and its admin sees them; others have no operator page", async ({
  page,
}) => {
  const orgName = `Quota Co ${Date.now().toString(36)}`;
  const owner = await signUpWithOrganization(page, orgName, "quota-owner");
  // Not the operator: no link, and the page is not found.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operator" })).toHaveCount(0);
  const refused = await page.goto("/operator");
  expect(refused?.status()).toBe(404);
  await page.goto("/settings/quotas");
  // The install's defaults here are unlimited (no BATCHDECK_QUOTA_* in the e2e servers).
  await expect(page.getByLabel("Usage against quotas")).toContainText("Array size");
  await expect(page.getByLabel("Usage against quotas")).toContainText("Unlimited");
  await signOut(page);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operator" }).click();
  await expect(page.getByRole("heading", { name: "Operator", level: 1 })).toBeVisible();
  const row = page.getByRole("table", { name: "Organizations" }).getByRole("row").filter({ hasText: orgName });
  await row.getByRole("link", { name: orgName }).click();
  await expect(page.getByRole("heading", { name: orgName, level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "Quotas" });
  // A bad value: the form says which, focuses it and keeps what was typed.
  await form.getByLabel("Array size", { exact: true }).fill("20000");
  await form.getByLabel("Running vCPUs", { exact: true }).fill("4");
  await form.getByRole("button", { name: "Save quotas" }).click();
  await expect(form.getByRole("alert")).toHaveText("Array size: At most 10000.");
  await expect(form.getByLabel("Array size", { exact: true })).toBeFocused();
  await expect(form.getByLabel("Running vCPUs", { exact: true })).toHaveValue("4");

  await form.getByLabel("Array size", { exact: true }).fill("3");
  await form.getByLabel("Log bytes kept", { exact: true }).fill("1048576");
  await form.getByRole("button", { name: "Save quotas" }).click();
  await expect(form.getByRole("status")).toContainText("Quotas saved.");
  const list = page.getByLabel("Usage against quotas");
  await expect(list).toContainText("3 children");
  await expect(list).toContainText("0 of 4 (0%)");
  await expect(list).toContainText("1 MiB");

  // The list shows the organization's own quotas in bold beside the defaults.
  await page.getByRole("link", { name: "Operator" }).first().click();
  await expect(row).toContainText("3 children");
  await signOut(page);

  await signIn(page, owner, "quota-owner-password-1");
  await page.goto("/settings/quotas");
  const own = page.getByLabel("Usage against quotas");
  await expect(own).toContainText("3 children");
  await expect(own).toContainText("0 of 4 (0%)");
  // The change is in the organization's own audit log, by the operator.
  await page.goto("/settings/audit");
  await expect(page.getByRole("table").first()).toContainText("quotas.update");
  await expect(page.getByRole("table").first()).toContainText(ADMIN.email);
});

// Settings → Secrets: an admin adds a secret, replaces its value and deletes it (with a
// confirmation); the value is sent to the server once and never comes back to the browser, in
// the pages' HTML, their RSC payloads or any action's answer. A submitter sees the names and
// nothing to change them with. The spec seeds its own organization and member.
import { expect, type Page, test } from "@playwright/test";
import { acceptInvitation, inviteMember, signUpWithOrganization, uniqueEmail } from "./helpers";

/** The page as a first load (HTML) and as a client navigation (RSC payload) fetch it. */
async function pageBodies(page: Page, path: string): Promise<string[]> {
  const html = await page.request.get(path);
  expect(html.status()).toBe(200);
  const rsc = await page.request.get(path, { headers: { RSC: "1" } });
  expect(rsc.status()).toBe(200);
  return [await html.text(), await rsc.text()];
}

test("secrets are added, replaced and deleted, and their values never come back", async ({ page, browser }) => {
  const tag = Date.now().toString(36);
  await signUpWithOrganization(page, `Vault Org ${tag}`, "vault");
  const name = `prod/db-password-${tag}`;
  // Two lines: the value must arrive as typed (a multipart form body would make it CRLF).
  const value = `first-line-${tag}-${Math.random().toString(36).slice(2)}\nsecond-line`;
  const newValue = `replaced-${tag}-${Math.random().toString(36).slice(2)}`;
  const values = [value, "first-line-", newValue];

  const answers: string[] = [];
  const requests: string[] = [];
  await page.route("**/*", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    requests.push(route.request().postData() ?? "");
    const response = await route.fetch();
    const body = await response.text();
    answers.push(body);
    await route.fulfill({ response, body });
  });

  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Secrets" }).click();
  await expect(page).toHaveURL(/\/settings\/secrets$/);
  await expect(page.getByText("No secrets yet.")).toBeVisible();

  // Add: the value field is masked, and says it will not be shown again.
  const form = page.getByRole("form", { name: "Add a secret" });
  await form.getByLabel("Name").fill("has space");
  await form.getByLabel("Value", { exact: true }).fill("x");
  await form.getByRole("button", { name: "Add secret" }).click();
  await expect(form.getByText(/A secret's name is 1–255 characters/)).toBeVisible();
  await form.getByLabel("Name").fill(name);
  const field = form.getByLabel("Value", { exact: true });
  await field.fill(value);
  await expect(form.getByText(/never shown again after saving/)).toBeVisible();
  await form.getByLabel("Description").fill("the database password");
  await form.getByRole("button", { name: "Add secret" }).click();
  await expect(form.getByRole("status")).toContainText(`Saved secret ${name}`);
  await expect(field).toHaveValue("");
  // Sent once, as JSON text: its line break is still a lone "\n".
  expect(requests.filter((r) => r.includes(JSON.stringify(value).slice(1, -1)))).toHaveLength(1);

  const table = page.getByRole("table", { name: "Secrets" });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("the database password");
  await expect(row).toContainText("@e2e.test");
  await expect(row).toContainText(`:secret:${name}`);

  // The same name again is refused beside the name, not silently overwritten.
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Value", { exact: true }).fill("another");
  await form.getByRole("button", { name: "Add secret" }).click();
  await expect(form.getByText(/already exists/)).toBeVisible();

  // Replace: a new value in a dialog; the old one is never offered.
  await row.getByRole("button", { name: `Replace the value of ${name}` }).click();
  const replace = page.getByRole("dialog", { name: `Replace the value of ${name}` });
  await expect(replace.getByLabel("New value", { exact: true })).toHaveValue("");
  await expect(replace.getByLabel("Description")).toHaveValue("the database password");
  await replace.getByLabel("New value", { exact: true }).fill(newValue);
  await replace.getByRole("button", { name: "Replace value" }).click();
  await expect(replace).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Replaced the value of ${name}` })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("secrets.png"), fullPage: true });

  // A submitter sees the names, and nothing to change them with.
  const link = await inviteMember(page, uniqueEmail("vault-sub"), "Submitter");
  const submitter = await acceptInvitation(browser, link, "Vault submitter", "vault-sub-password-1");
  await submitter.goto("/settings/secrets");
  await expect(submitter.getByRole("table", { name: "Secrets" })).toContainText(name);
  await expect(submitter.getByText("Only admins and developers can add, replace or delete secrets.")).toBeVisible();
  await expect(submitter.getByRole("form", { name: "Add a secret" })).toHaveCount(0);
  await expect(submitter.getByRole("button", { name: /Replace the value|Delete secret/ })).toHaveCount(0);
  for (const body of await pageBodies(submitter, "/settings/secrets")) {
    for (const v of values) expect(body).not.toContain(v);
  }
  await submitter.context().close();

  // Neither value was in any answer, page or payload after it was entered.
  await page.unrouteAll();
  expect(answers.length).toBeGreaterThanOrEqual(4);
  for (const answer of answers) for (const v of values) expect(answer).not.toContain(v);
  for (const path of ["/settings/secrets", "/settings/audit"]) {
    await page.goto(path);
    const content = await page.content();
    for (const v of values) expect(content, path).not.toContain(v);
    for (const body of await pageBodies(page, path)) for (const v of values) expect(body, path).not.toContain(v);
  }
  expect((await pageBodies(page, "/settings/secrets"))[0]).toContain(name);

  // Delete asks first; going back keeps the secret.
  await page.goto("/settings/secrets");
  await row.getByRole("button", { name: `Delete secret ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete secret ${name}?` });
  await confirm.getByRole("button", { name: "Go back" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: `Delete secret ${name}` }).click();
  await confirm.getByRole("button", { name: "Delete secret" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Deleted secret ${name}.` })).toBeVisible();
  await expect(page.getByText("No secrets yet.")).toBeVisible();

  // Each change is in the audit log, by name.
  await page.goto("/settings/audit");
  for (const action of ["secret.create", "secret.replace", "secret.delete"]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
});

// Secrets are sent to the browser once and never again (issue 6, proof 7): an admin creates an
// access key (its secret shown once) and saves AWS credentials in Settings → Backend; after
// that, the pages' HTML, their RSC payloads and the answers to the save itself never carry
// either secret.
import { expect, type Page, test } from "@playwright/test";
import { signUpWithOrganization } from "./helpers";

/** The page as a first load (HTML) and as a client navigation (RSC payload) fetch it. */
async function pageBodies(page: Page, path: string): Promise<{ html: string; rsc: string }> {
  const html = await page.request.get(path);
  expect(html.status()).toBe(200);
  expect(html.headers()["content-type"]).toContain("text/html");
  const rsc = await page.request.get(path, { headers: { RSC: "1" } });
  expect(rsc.status()).toBe(200);
  expect(rsc.headers()["content-type"]).toContain("text/x-component");
  return { html: await html.text(), rsc: await rsc.text() };
}

test("access-key and AWS secrets never come back to the browser after they are entered", async ({ page }) => {
  const orgName = `Secrets Org ${Date.now().toString(36)}`;
  await signUpWithOrganization(page, orgName, "secrets");

  // Every server action's answer, read whole on its way to the page (Chromium cannot hand back
  // a streamed body after the page consumed it).
  const answers: string[] = [];
  await page.route("**/*", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    const response = await route.fetch();
    const body = await response.text();
    answers.push(body);
    await route.fulfill({ response, body });
  });

  // An access key: the create action's answer shows the secret once.
  await page.goto("/settings/access-keys");
  const create = page.getByRole("form", { name: "Create an access key" });
  await create.getByLabel("Description").fill("secrets spec");
  await create.getByRole("button", { name: /Create/ }).click();
  const shown = page.getByTestId("new-secret-access-key");
  await expect(shown).toBeVisible();
  const accessKeySecret = ((await shown.textContent()) ?? "").trim();
  const accessKeyId = ((await page.getByTestId("new-access-key-id").textContent()) ?? "").trim();
  expect(accessKeySecret).toHaveLength(40);
  expect(accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
  expect(answers).toHaveLength(1);
  expect(answers[0]).toContain(accessKeySecret);
  await page.screenshot({ path: test.info().outputPath("access-key-created.png"), fullPage: true });

  // AWS credentials, saved without testing (the endpoint is never called).
  const awsSecret = `aws-secret-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`.padEnd(40, "x");
  await page.goto("/settings/backend");
  const form = page.getByRole("form", { name: "Backend settings" });
  await form.getByRole("radio", { name: /AWS Batch/ }).check();
  await form.getByLabel("Region").fill("us-east-1");
  await form.getByLabel("Credentials").selectOption({ label: "Access key pair" });
  await form.getByLabel("Access key ID").fill("AKIAE2ESECRETSSPEC01");
  await form.getByLabel("Secret access key").fill(awsSecret);
  await form.getByLabel("AWS Batch endpoint").fill("http://127.0.0.1:9");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved. This organization now runs on AWS Batch in us-east-1.")).toBeVisible();
  await expect(form.getByLabel("Secret access key (set, type to replace)")).toHaveValue("");

  // The save's own answer does not repeat the AWS secret (nor the access key's).
  expect(answers).toHaveLength(2);
  const saved = answers[1] ?? "";
  expect(saved).toContain("AKIAE2ESECRETSSPEC01");
  expect(saved).not.toContain(awsSecret);
  expect(saved).not.toContain(accessKeySecret);

  await page.unrouteAll();

  // Reloading the pages, and fetching their HTML and RSC payloads, never shows either secret.
  for (const path of ["/settings/access-keys", "/settings/backend", "/settings/audit", "/settings", "/"]) {
    await page.goto(path);
    const content = await page.content();
    expect(content, path).not.toContain(accessKeySecret);
    expect(content, path).not.toContain(awsSecret);
    const { html, rsc } = await pageBodies(page, path);
    for (const [kind, body] of [
      ["HTML", html],
      ["RSC", rsc],
    ] as const) {
      expect(body, `${path} ${kind}`).not.toContain(accessKeySecret);
      expect(body, `${path} ${kind}`).not.toContain(awsSecret);
    }
  }
  // The fetches were real pages: the key id and the AWS key id are there, only the secrets are not.
  expect((await pageBodies(page, "/settings/access-keys")).html).toContain(accessKeyId);
  expect((await pageBodies(page, "/settings/backend")).rsc).toContain("AKIAE2ESECRETSSPEC01");
  await page.goto("/settings/backend");
  await page.screenshot({ path: test.info().outputPath("backend-secret-set.png"), fullPage: true });
});

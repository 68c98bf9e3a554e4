// Secrets are sent to the browser once and never again (issue 6, proof 7): an admin creates an
// access key (its secret shown once) and saves AWS credentials in Settings → Backend; after
// that, the pages' HTML, their RSC payloads and the answers to the save itself never carry
// either secret.
import { expect, type Page, type Response, test } from "@playwright/test";
import { uniqueEmail } from "./helpers";

async function signUp(page: Page, orgName: string) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Secret Keeper");
  await page.getByLabel("Email").fill(uniqueEmail("secrets"));
  await page.getByLabel("Password").fill("secrets-password-1");
  await page.getByLabel("Organization name").fill(orgName);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { name: orgName })).toBeVisible();
}

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
  await signUp(page, orgName);

  // Every answer the browser receives from here on, for the saves' server-action responses.
  const answers: { url: string; method: string; body: Promise<string> }[] = [];
  const record = (response: Response) => {
    answers.push({
      url: response.url(),
      method: response.request().method(),
      body: response.text().catch(() => ""),
    });
  };
  page.on("response", record);

  // An access key: the create answer shows the secret once.
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
  await page.screenshot({ path: test.info().outputPath("access-key-created.png"), fullPage: true });
  // Exactly one answer (the create action's) carried it.
  const carrying = [];
  for (const a of answers) if ((await a.body).includes(accessKeySecret)) carrying.push(a);
  expect(carrying.map((a) => a.method)).toEqual(["POST"]);
  answers.length = 0;

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

  // The save's own answer (and everything else since) does not repeat the AWS secret.
  expect(answers.some((a) => a.method === "POST")).toBe(true);
  for (const a of answers) expect(await a.body, `${a.method} ${a.url}`).not.toContain(awsSecret);

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
  page.off("response", record);
});

// Settings → Backend: the owner of a fresh organization switches it to "AWS Batch" served by
// this same server's own /v1 API (signed with the first admin's access key, so the calls land
// in the Default organization's built-in engine), tests the connection, sees a wrong secret
// refused in plain words, saves, and switches back to the built-in engine.
import { expect, test } from "@playwright/test";
import { ADMIN_KEY, endpoint } from "./api";
import { signUpWithOrganization } from "./helpers";

test("an admin puts the organization on AWS Batch, tests the connection and switches back", async ({ page }) => {
  const orgName = `Backend Org ${Date.now().toString(36)}`;
  await signUpWithOrganization(page, orgName, "backend");
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Backend" }).click();
  await expect(page).toHaveURL(/\/settings\/backend$/);
  const form = page.getByRole("form", { name: "Backend settings" });
  await expect(form.getByRole("radio", { name: /Built-in engine/ })).toBeChecked();

  await form.getByRole("radio", { name: /AWS Batch/ }).check();
  // A malformed region is refused beside its field.
  await form.getByLabel("Region").fill("Virginia");
  await form.getByLabel("Credentials").selectOption({ label: "Access key pair" });
  await form.getByLabel("Access key ID").fill(ADMIN_KEY.accessKeyId);
  await form.getByLabel("Secret access key").fill(ADMIN_KEY.secretAccessKey);
  await form.getByLabel("AWS Batch endpoint").fill(endpoint());
  await form.getByLabel("CloudWatch Logs endpoint").fill(endpoint());
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByText("Enter an AWS region such as us-east-1.")).toBeVisible();
  await expect(form.getByLabel("Region")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Region").fill("us-east-1");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("connection-result")).toContainText(
    `Connected to AWS Batch in us-east-1 at ${endpoint()} and can list job queues`,
  );

  // A wrong secret: refused, in plain words, and the secret is not repeated back.
  await form.getByLabel("Secret access key").fill("wrong-secret-wrong-secret-wrong-secret");
  await form.getByRole("button", { name: "Test connection" }).click();
  const refused = page.getByTestId("connection-result");
  await expect(refused).toContainText("Credentials: The AWS credentials were refused:");
  await expect(refused).not.toContainText("wrong-secret");

  await form.getByLabel("Secret access key").fill(ADMIN_KEY.secretAccessKey);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved. This organization now runs on AWS Batch in us-east-1.")).toBeVisible();
  await expect(form.getByLabel("Secret access key (set, type to replace)")).toHaveValue("");
  await page.screenshot({ path: test.info().outputPath("settings-backend-aws.png"), fullPage: true });

  // After a reload the page shows the settings, with the secret only as "set".
  await page.reload();
  await expect(page.getByText(`runs its jobs on AWS Batch in us-east-1 at ${endpoint()}`)).toBeVisible();
  await expect(form.getByLabel("Access key ID")).toHaveValue(ADMIN_KEY.accessKeyId);
  await expect(form.getByLabel("Secret access key (set, type to replace)")).toHaveValue("");
  expect(await page.content()).not.toContain(ADMIN_KEY.secretAccessKey);
  // Testing the saved settings uses the stored secret.
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("connection-result")).toContainText("Connected to AWS Batch in us-east-1");

  await page.goto("/");
  await expect(page.getByRole("main").getByText("AWS Batch", { exact: true })).toBeVisible();

  // The audit log records the change without the secret.
  await page.goto("/settings/audit");
  await expect(page.getByRole("cell", { name: "organization.backend.update" }).first()).toBeVisible();
  expect(await page.content()).not.toContain(ADMIN_KEY.secretAccessKey);

  // And back to the built-in engine.
  await page.goto("/settings/backend");
  await form.getByRole("radio", { name: /Built-in engine/ }).check();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved. This organization now runs on the built-in engine.")).toBeVisible();
  await page.reload();
  await expect(page.getByText("runs its jobs on the built-in engine on this server")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("settings-backend-builtin.png"), fullPage: true });
});

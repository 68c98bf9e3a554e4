// Sign-in attempts are limited per client address across every account (issue 6, proof 6). The
// e2e server trusts one proxy hop, so a spec plays a client at another address by sending the
// X-Forwarded-For a proxy would append; what a client writes in front of it is ignored.
import { expect, test } from "@playwright/test";
import { ADMIN, uniqueEmail } from "./helpers";

// The server's default allowance (BATCHDECK_SIGNIN_FAILURES_PER_ADDRESS).
const ALLOWANCE = 20;
const octet = () => 1 + Math.floor(Math.random() * 250);

test("an address that guessed too often is refused, forged headers do not help, other addresses sign in", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const address = `203.0.${octet()}.${octet()}`;
  const guesser = await browser.newContext();
  const page = await guesser.newPage();

  for (let i = 0; i < ALLOWANCE; i++) {
    // A new forged "original client" every time: the server must still see `address`.
    await guesser.setExtraHTTPHeaders({ "X-Forwarded-For": `192.0.2.${i + 1}, ${address}` });
    await page.goto("/login");
    await page.getByLabel("Email").fill(uniqueEmail(`guess${i}`));
    await page.getByLabel("Password").fill("Winter2026!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
  }

  await guesser.setExtraHTTPHeaders({ "X-Forwarded-For": `192.0.2.250, ${address}` });
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Too many failed sign-in attempts from your address" }),
  ).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await guesser.close();

  // The admin's account is not locked: from another address the same password works.
  const other = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": `198.51.${octet()}.${octet()}` } });
  const otherPage = await other.newPage();
  await otherPage.goto("/login");
  await otherPage.getByLabel("Email").fill(ADMIN.email);
  await otherPage.getByLabel("Password").fill(ADMIN.password);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage.getByRole("navigation", { name: "Main" })).toBeVisible();
  await other.close();
});

// Signing in goes on to ?next= only when it is a path on this site: "/\evil.example" looks like
// a path but browsers read it as //evil.example (issue 6, proof 6).
import { expect, test } from "@playwright/test";
import { ADMIN } from "./helpers";

for (const [next, expected] of [
  ["/\\evil.example/x", "/"],
  ["//evil.example/x", "/"],
  ["/settings/members", "/settings/members"],
] as const) {
  test(`signing in with next=${next} lands on ${expected} here`, async ({ page, baseURL }) => {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    expect(page.url()).toBe(`${baseURL}${expected}`);
  });
}

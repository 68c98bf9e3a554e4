// The small things of issue 15: deleting an environment asks in the console's styled dialog, not
// the browser's confirm(); an unknown address shows a 404 with a way back; /favicon.ico answers;
// the invitation link copies to the clipboard and says so; the members page says what each role
// may do; sign-up keeps what was typed after an error; a resource table's Delete is fully on
// screen at 1280 pixels wide.
import { CreateComputeEnvironmentCommand } from "@aws-sdk/client-batch";
import { expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedQueueWithEnvironment } from "./seed";

test.describe.configure({ mode: "serial" });

let admin: Page;

test.beforeAll(async ({ browser }) => {
  admin = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
});

test("deleting a compute environment asks in the styled dialog, never the browser's confirm()", async () => {
  const page = admin;
  const ce = uniqueName("del-ce").toLowerCase();
  await batchClient().send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: ce, type: "UNMANAGED", state: "DISABLED" }),
  );
  const native: string[] = [];
  const onDialog = (d: { message(): string; dismiss(): Promise<void> }) => {
    native.push(d.message());
    void d.dismiss();
  };
  page.on("dialog", onDialog);
  try {
    await page.goto("/compute-environments");
    const row = page.getByRole("table", { name: "Compute environments" }).getByRole("row").filter({ hasText: ce });
    await page.getByRole("button", { name: `Delete ${ce}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${ce}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("This cannot be undone.");
    // Going back keeps the environment and returns focus to the button.
    await dialog.getByRole("button", { name: "Go back" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("button", { name: `Delete ${ce}` })).toBeFocused();
    await expect(row).toHaveCount(1);

    await page.getByRole("button", { name: `Delete ${ce}` }).click();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(row).toHaveCount(0);
    expect(native).toEqual([]);
  } finally {
    page.off("dialog", onDialog);
  }
});

test("an unknown address shows a 404 with a way back, signed in and signed out", async ({ browser }) => {
  const page = admin;
  const response = await page.goto(`/${uniqueName("nowhere")}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Back to Overview" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  const context = await browser.newContext();
  const visitor = await context.newPage();
  expect((await visitor.goto(`/${uniqueName("nowhere")}`))?.status()).toBe(404);
  await visitor.getByRole("link", { name: "Sign in" }).click();
  await expect(visitor.getByRole("heading", { name: "Sign in to Batchdeck" })).toBeVisible();
  await context.close();
});

test("/favicon.ico answers with an icon", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/image\//);
  expect((await response.body()).length).toBeGreaterThan(0);
});

test("the invitation link's Copy button puts it on the clipboard and says so in a live region", async ({ browser }) => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await signIn(page, ADMIN.email, ADMIN.password);
  const link = await inviteMember(page, uniqueEmail("copied"), "Developer");
  const form = page.getByRole("form", { name: "Add a member" });
  // The live region is there before anything is copied, so its change is announced.
  const status = form.getByTestId("copy-status");
  await expect(status).toHaveRole("status");
  await expect(status).toHaveAttribute("aria-live", "polite");
  await expect(status).toHaveText("");
  await form.getByRole("button", { name: "Copy link" }).click();
  await expect(status).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await context.close();
});

test("the members page says what each role may do", async () => {
  const page = admin;
  await page.goto("/settings/members");
  const roles = page.locator("dl").filter({ has: page.getByRole("term").filter({ hasText: "Submitter" }) });
  await expect(roles.getByRole("term")).toHaveText(["Admin", "Developer", "Submitter"]);
  const says = (role: string) => roles.locator(`[data-role="${role}"] dd`);
  await expect(says("submitter")).toContainText("submit jobs");
  await expect(says("submitter")).toContainText("cancel and terminate their own jobs");
  await expect(says("developer")).toContainText("Everything a Submitter may, and:");
  await expect(says("developer")).toContainText("register and deregister job definitions");
  await expect(says("developer")).not.toContainText("compute environments");
  await expect(says("admin")).toContainText("Everything a Developer may, and:");
  await expect(says("admin")).toContainText("invite and remove members");
});

test("sign-up keeps what was typed after an error, and the error goes once the field is edited", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/signup");
  const org = uniqueName("Signup Org");
  const email = uniqueEmail("signup-keeps");
  const password = page.getByLabel("Password");
  await page.getByLabel("Your name").fill("Sam Signup");
  await page.getByLabel("Email").fill(email);
  await password.fill("short");
  await page.getByLabel("Organization name").fill(org);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(password).toHaveAccessibleDescription(/Use at least 8 characters/);
  await expect(page.getByLabel("Your name")).toHaveValue("Sam Signup");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(password).toHaveValue("short");
  await expect(page.getByLabel("Organization name")).toHaveValue(org);

  await password.fill("long-enough-password");
  await expect(page.getByText("Use at least 8 characters")).toHaveCount(0);
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { name: org })).toBeVisible();
  await context.close();
});

test("a resource table's Delete is fully on screen at 1280 pixels wide, and reachable on a phone", async () => {
  const page = admin;
  const ce = uniqueName("wide-ce").toLowerCase();
  const queue = uniqueName("wide-q").toLowerCase();
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 2, memoryMiB: 1024 });
  for (const [path, name] of [
    ["/job-queues", queue],
    ["/compute-environments", ce],
  ] as const) {
    await page.goto(path);
    // Brought into view by its name (scrolling to the button itself would scroll the table sideways).
    await page.getByRole("cell", { name, exact: true }).scrollIntoViewIfNeeded();
    const remove = page.getByRole("button", { name: `Delete ${name}` });
    await expect(remove).toBeInViewport({ ratio: 1 });
    // Its ring too: wholly inside the box the table scrolls in, and inside the window.
    const { button, box } = await remove.evaluate((el) => {
      let scroller = el.parentElement;
      while (scroller && getComputedStyle(scroller).overflowX === "visible") scroller = scroller.parentElement;
      const r = el.getBoundingClientRect();
      const b = (scroller ?? document.documentElement).getBoundingClientRect();
      return { button: { left: r.left, right: r.right }, box: { left: b.left, right: b.right } };
    });
    expect(button.left - 1).toBeGreaterThanOrEqual(box.left);
    expect(button.right + 1).toBeLessThanOrEqual(box.right);
    expect(button.right).toBeLessThanOrEqual(1280);
  }
  await page.screenshot({ path: test.info().outputPath("compute-environments-1280.png"), fullPage: true });

  // On a phone the table scrolls inside its card, says so, and takes focus to be scrolled by keys.
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto("/job-queues");
    const region = page.getByRole("region", { name: "Job queues (scrolls sideways)" });
    await expect(region).toBeVisible();
    await expect(page.getByTestId("scroll-hint").first()).toContainText("Scroll sideways for more");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await region.focus();
    await expect(region).toBeFocused();
    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await page.getByRole("cell", { name: queue, exact: true }).scrollIntoViewIfNeeded();
    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect(page.getByRole("button", { name: `Delete ${queue}` })).toBeInViewport({ ratio: 1 });
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

// The job list as people who live in the AWS Batch, Nomad or Temporal consoles use it (issue
// 15): a pasted job id, job ARN or array child id finds that job; filters apply as they change
// (text after a pause in typing) with the URL as the source of truth; columns sort with
// aria-sort; a finished job shows its duration, exit code, attempts and who submitted it; "My
// jobs"; a submitter is offered Cancel/Terminate only on their own jobs; on a phone the filter
// folds away and jobs are cards. Jobs are seeded through /v1 (e2e/seed.ts) as the admin; the
// second member submits through the form. The held jobs ask for more memory than any
// environment has, so they wait RUNNABLE until the end, when they are terminated.
import { DescribeJobsCommand } from "@aws-sdk/client-batch";
import { type Browser, expect, type Locator, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, acceptInvitation, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, terminateJob, waitForStatus } from "./seed";

test.describe.configure({ mode: "serial" });

const tag = uniqueName("jl").toLowerCase();
const queue = `${tag}-q`;
const quick = `${tag}-ok`;
const failing = `${tag}-exit3`;
const MEMBER_NAME = "Lee Lister";
const HOLD = { resourceRequirements: [{ type: "MEMORY" as const, value: "999999" }] };

let admin: Page;
let member: Page;
/** Held jobs by name, submitted in the order b, a, c (so newest first is c, a, b). */
const sorted: Record<string, string> = {};
let arrayJob = "";
const held: string[] = [];

const table = (page: Page) => page.getByRole("table", { name: /^Jobs, / });
const bodyRows = (page: Page) => table(page).locator("tbody tr");
const names = (page: Page) => table(page).locator("tbody tr td:nth-child(2) a");
/** A row's cell by its column header's name. */
async function cell(page: Page, row: Locator, header: string) {
  const headers = await table(page).getByRole("columnheader").allInnerTexts();
  const index = headers.findIndex((h) => h.replace(/[▲▼↕]/g, "").trim().toLowerCase() === header.toLowerCase());
  expect(index, `column ${header}`).toBeGreaterThanOrEqual(0);
  return row.getByRole("cell").nth(index);
}

async function memberPage(browser: Browser, adminPage: Page) {
  const link = await inviteMember(adminPage, uniqueEmail("lister"), "Submitter");
  return acceptInvitation(browser, link, MEMBER_NAME, "lister-password-123");
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  await seedQueueWithEnvironment({ queue, computeEnvironment: `${tag}-ce` }, { maxvCpus: 4, memoryMiB: 4096 });
  await seedDefinition(quick, { image: "busybox", command: ["true"], memoryMiB: 64 });
  await seedDefinition(failing, { image: "busybox", command: ["sh", "-c", "exit 3"], memoryMiB: 64 });
  for (const letter of ["b", "a", "c"]) {
    const name = `${tag}-s-${letter}`;
    sorted[name] = await seedJob({ jobName: name, jobQueue: queue, jobDefinition: quick, containerOverrides: HOLD });
    held.push(sorted[name]);
  }
  arrayJob = await seedJob({
    jobName: `${tag}-arr`,
    jobQueue: queue,
    jobDefinition: quick,
    arrayProperties: { size: 3 },
    containerOverrides: HOLD,
  });
  held.push(arrayJob);
  const context = await browser.newContext();
  admin = await context.newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  member = await memberPage(browser, admin);
});

test.afterAll(async () => {
  for (const id of held) await terminateJob(id, "job list spec done").catch(() => {});
});

test("a pasted job id, job ARN or array child id finds exactly that job", async () => {
  const page = admin;
  const target = sorted[`${tag}-s-a`] as string;
  const [described] = (await batchClient().send(new DescribeJobsCommand({ jobs: [target] }))).jobs ?? [];
  const arn = described?.jobArn ?? "";
  expect(arn).toMatch(/^arn:aws:batch:/);

  await page.goto("/jobs");
  const search = page.getByRole("form", { name: "Filter jobs" }).getByLabel("Find a job");
  for (const [text, id] of [
    [target, target],
    [arn, target],
    [`  ${arrayJob}:1 `, `${arrayJob}:1`],
  ] as const) {
    await search.fill(text);
    await search.press("Enter");
    await expect(page).toHaveURL(/[?&]q=/);
    await expect(bodyRows(page)).toHaveCount(1);
    await expect(bodyRows(page).first()).toHaveAttribute("data-job-id", id);
  }
});

test("typing a name filters the list without a click, and back and forward step through filters", async () => {
  const page = admin;
  await page.goto("/jobs");
  const filter = page.getByRole("form", { name: "Filter jobs" });
  await expect(filter.getByRole("button", { name: /Apply/ })).toHaveCount(0);
  await filter.getByLabel("Name starts with").pressSequentially(`${tag}-s-`, { delay: 20 });
  await expect(page).toHaveURL(new RegExp(`name=${tag}-s-`));
  await expect(names(page)).toHaveText([`${tag}-s-c`, `${tag}-s-a`, `${tag}-s-b`]);

  await filter.getByLabel("Status").selectOption("SUCCEEDED");
  await expect(page).toHaveURL(/status=SUCCEEDED/);
  await expect(page.getByText("No jobs match this filter.")).toBeVisible();
  await page.goBack();
  await expect(page).not.toHaveURL(/status=/);
  await expect(filter.getByLabel("Status")).toHaveValue("ALL");
  await expect(names(page)).toHaveCount(3);
  await page.goForward();
  await expect(filter.getByLabel("Status")).toHaveValue("SUCCEEDED");
  await expect(filter.getByRole("link", { name: "Clear" })).toBeVisible();
});

test("sorting by a column header changes the order and says so with aria-sort", async () => {
  const page = admin;
  await page.goto(`/jobs?name=${tag}-s-`);
  const nameHeader = table(page).getByRole("columnheader", { name: "Name", exact: true });
  const submittedHeader = table(page).getByRole("columnheader", { name: "Submitted", exact: true });
  await expect(submittedHeader).toHaveAttribute("aria-sort", "descending");
  await expect(nameHeader).toHaveAttribute("aria-sort", "none");
  await expect(names(page)).toHaveText([`${tag}-s-c`, `${tag}-s-a`, `${tag}-s-b`]);

  await nameHeader.getByRole("link").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(submittedHeader).toHaveAttribute("aria-sort", "none");
  await expect(names(page)).toHaveText([`${tag}-s-a`, `${tag}-s-b`, `${tag}-s-c`]);

  await nameHeader.getByRole("link").click();
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(names(page)).toHaveText([`${tag}-s-c`, `${tag}-s-b`, `${tag}-s-a`]);

  await submittedHeader.getByRole("link").click();
  await expect(submittedHeader).toHaveAttribute("aria-sort", "descending");
  await submittedHeader.getByRole("link").click();
  await expect(submittedHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(names(page)).toHaveText([`${tag}-s-b`, `${tag}-s-a`, `${tag}-s-c`]);

  // Paging keeps the order: one job to a page, oldest first, walks b, a, c.
  await page.goto(`/jobs?name=${tag}-s-&sort=oldest&limit=1`);
  await expect(names(page)).toHaveText([`${tag}-s-b`]);
  await page.getByRole("link", { name: /Older jobs|Next/ }).click();
  await expect(names(page)).toHaveText([`${tag}-s-a`]);
});

test("a finished failed job shows its duration, exit code, attempts and who submitted it", async () => {
  test.setTimeout(90_000);
  const id = await seedJob({
    jobName: `${tag}-fails`,
    jobQueue: queue,
    jobDefinition: failing,
    retryStrategy: { attempts: 2 },
  });
  await waitForStatus(id, "FAILED", { timeout: 60_000, intervalMs: 500 });

  const page = admin;
  await page.goto(`/jobs?q=${id}`);
  const row = bodyRows(page).first();
  await expect(row).toHaveAttribute("data-job-id", id);
  await expect(await cell(page, row, "Exit code")).toHaveText("3");
  await expect(await cell(page, row, "Attempts")).toHaveText("2 of 2");
  await expect(await cell(page, row, "Duration")).toHaveText(/^\d+(\.\d)? s$|min/);
  const submittedBy = await cell(page, row, "Submitted by");
  await expect(submittedBy).not.toHaveText("—");
  await expect(submittedBy).toHaveText(/\S/);
  // The status says what happened, not AWS's generic container exit.
  const status = await cell(page, row, "Status");
  await expect(status).toContainText("FAILED");
  await expect(status).toContainText("Exit code 3");
  await expect(status).not.toContainText("Essential container in task exited");
});

test("My jobs shows only the signed-in member's jobs; a submitter may stop only those", async () => {
  test.setTimeout(60_000);
  const page = member;
  await page.goto("/jobs/new");
  const form = page.getByRole("form", { name: "Submit a job" });
  await form.getByLabel("Job name").fill(`${tag}-mine`);
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(quick);
  await form.getByRole("button", { name: "Submit job" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${tag}-mine`);
  const mine = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");

  await page.goto(`/jobs?name=${tag}`);
  const filter = page.getByRole("form", { name: "Filter jobs" });
  await expect(bodyRows(page)).not.toHaveCount(1);
  await filter.getByLabel("My jobs").check();
  await expect(page).toHaveURL(/mine=1/);
  await expect(bodyRows(page)).toHaveCount(1);
  const row = bodyRows(page).first();
  await expect(row).toHaveAttribute("data-job-id", mine);
  await expect(await cell(page, row, "Submitted by")).toHaveText(MEMBER_NAME);

  // Their own job: Cancel and Terminate are offered once it is chosen.
  await row.getByRole("checkbox").check();
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Terminate", exact: true })).toBeVisible();

  // The admin's jobs: only "Submit again", never Cancel or Terminate.
  await page.goto(`/jobs?name=${tag}-s-`);
  await expect(bodyRows(page)).toHaveCount(3);
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
  await bodyRows(page).first().getByRole("checkbox").check();
  await expect(page.getByRole("button", { name: "Submit again" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Terminate", exact: true })).toHaveCount(0);
  await page.getByLabel("Select every job on this page").check();
  await expect(page.getByRole("button", { name: "Cancel", exact: true })).toHaveCount(0);

  // The admin, by contrast, may stop anyone's: the buttons are there.
  await admin.goto(`/jobs?name=${tag}-s-`);
  await expect(admin.getByRole("button", { name: "Cancel", exact: true })).toBeVisible();
});

test("on a 390-pixel phone the filter folds behind a Filters button and jobs are cards", async () => {
  const page = admin;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/jobs?name=${tag}-s-`);
  const filter = page.getByRole("form", { name: "Filter jobs" });
  const toggle = filter.getByRole("button", { name: /^Filters/ });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toHaveText("Filters (1)");
  await expect(filter.getByLabel("Status")).toBeHidden();
  await expect(filter.getByLabel("Find a job")).toBeVisible();

  await expect(table(page)).toBeHidden();
  const cards = page.locator("[data-job-card]");
  await expect(cards).toHaveCount(3);
  const first = cards.first();
  await expect(first).toBeVisible();
  await expect(first.getByRole("link", { name: `${tag}-s-c` })).toBeVisible();
  await expect(first).toContainText(sorted[`${tag}-s-c`] as string);
  await expect(first).toContainText(queue);
  await expect(first).toContainText("RUNNABLE");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("job-list-phone.png"), fullPage: true });

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(filter.getByLabel("Status")).toBeVisible();

  // On a desktop the fields are open and the toggle is not shown.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.reload();
  await expect(filter.getByLabel("Status")).toBeVisible();
  await expect(toggle).toBeHidden();
  await page.screenshot({ path: test.info().outputPath("job-list-desktop.png"), fullPage: true });
});

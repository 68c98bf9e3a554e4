// Jobs in the console, end to end on the real engine: a submitter submits a single job, an
// array of 20 and a job depending on the array through the form, and watches them succeed;
// cancels a job still waiting on a dependency; reads why an oversized job never starts. An
// admin cancels jobs in bulk from the list. Queues and definitions are seeded through /v1 (e2e/seed.ts).
import { DescribeJobsCommand } from "@aws-sdk/client-batch";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, acceptInvitation, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment } from "./seed";

test.describe.configure({ mode: "serial" });

const tag = uniqueName("j").toLowerCase();
const queue = `${tag}-q`;
const echo = `${tag}-echo`;
const sleeper = `${tag}-sleep`;
let submitter: Page;
let admin: Page;

async function seed() {
  await seedQueueWithEnvironment({ queue, computeEnvironment: `${tag}-ce` }, { maxvCpus: 4, memoryMiB: 4096 });
  await seedDefinition(echo, {
    image: "busybox",
    command: ["sh", "-c", "echo hello Ref::who"],
    parameters: { who: "world" },
    memoryMiB: 64,
  });
  await seedDefinition(sleeper, { image: "busybox", command: ["sleep", "60"], memoryMiB: 64 });
}

async function submitterPage(browser: Browser, adminPage: Page) {
  const link = await inviteMember(adminPage, uniqueEmail("submitter"), "Submitter");
  return acceptInvitation(browser, link, "Sam Submitter", "submitter-password-123");
}

/** Fill the submit form's basics and submit; returns the new job's id from the detail URL. */
async function submitThroughForm(page: Page, name: string, definition: string, extra?: (page: Page) => Promise<void>) {
  await page.goto("/jobs/new");
  const form = page.getByRole("form", { name: "Submit a job" });
  await form.getByLabel("Job name").fill(name);
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(definition);
  if (extra) await extra(page);
  await form.getByRole("button", { name: "Submit job" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

test.beforeAll(async ({ browser }) => {
  await seed();
  const context = await browser.newContext();
  admin = await context.newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
  submitter = await submitterPage(browser, admin);
});

test("a submitter submits a single job, an array of 20 and a job depending on it, and sees them succeed", async () => {
  const page = submitter;
  await page.goto("/jobs");
  await page.getByRole("link", { name: "Submit a job", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Submit a job" })).toBeVisible();

  // The server's validation errors show beside the field they concern.
  const form = page.getByRole("form", { name: "Submit a job" });
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(echo);
  await form.getByLabel("Job name").fill("bad name!");
  await form.getByRole("button", { name: "Submit job" }).click();
  await expect(form.getByLabel("Job name")).toHaveAccessibleDescription(/Job name can contain only letters/);
  await form.getByLabel("Array size").fill("1");
  await form.getByLabel("Job name").fill(`${tag}-single`);
  await form.getByRole("button", { name: "Submit job" }).click();
  await expect(form.getByLabel("Array size")).toHaveAccessibleDescription(/Array job size must be between 2 and 10000/);
  await form.getByLabel("Array size").fill("");

  // The form and the JSON stay in step.
  await form.getByLabel("Job name").fill(`${tag}-single`);
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(echo);
  await form.getByRole("button", { name: "Add parameter" }).click();
  await form.getByLabel("Parameter name 1", { exact: true }).fill("who");
  await form.getByLabel("Parameter value 1", { exact: true }).fill("console");
  const json = form.getByLabel("SubmitJob request (JSON)");
  await expect(json).toHaveValue(/"who": "console"/);
  // Editing the JSON rewrites the form.
  const edited = JSON.parse(await json.inputValue());
  edited.schedulingPriorityOverride = 7;
  await json.fill(JSON.stringify(edited, null, 2));
  await expect(form.getByLabel("Scheduling priority override")).toHaveValue("7");
  await page.screenshot({ path: test.info().outputPath("submit.png"), fullPage: true });
  await form.getByRole("button", { name: "Submit job" }).click();

  await expect(heading(page)).toContainText(`${tag}-single`);
  await expect(heading(page)).toContainText("SUCCEEDED", { timeout: 30_000 });
  await expect(page.getByTestId("job-command")).toHaveText("sh -c 'echo hello console'");
  await expect(page.getByRole("link", { name: "Logs of attempt 1" })).toHaveAttribute("href", /\/logs\?attempt=1$/);
  await page.screenshot({ path: test.info().outputPath("detail.png"), fullPage: true });

  // "Submit again" fills the form from the job.
  await page.getByRole("link", { name: "Submit again" }).click();
  await expect(page.getByRole("heading", { name: `Submit ${tag}-single again` })).toBeVisible();
  await expect(form.getByLabel("Job name")).toHaveValue(`${tag}-single`);
  await expect(form.getByLabel("Parameter value 1", { exact: true })).toHaveValue("console");
  await expect(form.getByLabel("Command override")).toHaveValue("");

  // An array of 20.
  const arrayId = await submitThroughForm(page, `${tag}-array`, echo, async (p) => {
    await p.getByLabel("Array size").fill("20");
  });
  await expect(heading(page)).toContainText("SUCCEEDED", { timeout: 45_000 });
  await expect(page.getByRole("button", { name: "All 20" })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(21);
  await expect(page.getByRole("row").filter({ hasText: "SUCCEEDED" })).toHaveCount(20);
  await page.screenshot({ path: test.info().outputPath("detail-array.png"), fullPage: true });

  // A job depending on the array, chosen by searching its name.
  await submitThroughForm(page, `${tag}-after`, echo, async (p) => {
    await p.getByLabel("Find a job to depend on").fill(`${tag}-array`);
    await p.getByRole("button", { name: `Depend on ${tag}-array (${arrayId})` }).click();
  });
  await expect(heading(page)).toContainText("SUCCEEDED", { timeout: 30_000 });
  // The dependency graph names each job by the words it shows (its name, then its status).
  await expect(page.getByRole("link", { name: `${tag}-array SUCCEEDED`, exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("detail-dependencies.png"), fullPage: true });

  // The list shows all three, finished, live.
  await page.goto(`/jobs?name=${tag}`);
  for (const name of [`${tag}-single`, `${tag}-array`, `${tag}-after`]) {
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(row.getByText("SUCCEEDED", { exact: true })).toBeVisible();
  }
  await expect(page.getByRole("table", { name: /^Jobs, / }).getByText("Array of 20: 20 succeeded")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("list.png"), fullPage: true });

  // On a phone the jobs are cards (e2e/job-list.spec.ts); the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.locator("[data-job-card]").first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("list-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
});

test("a submitter cancels a job still waiting on its dependency, and terminates the running one", async () => {
  const page = submitter;
  const sleepId = await submitThroughForm(page, `${tag}-sleeper`, sleeper);
  await expect(heading(page)).toContainText("RUNNING", { timeout: 30_000 });
  // Found by its ARN, as the AWS console and CLI print it.
  const [described] = (await batchClient().send(new DescribeJobsCommand({ jobs: [sleepId] }))).jobs ?? [];
  expect(described?.jobArn).toMatch(/^arn:aws:batch:.*:job\//);
  await submitThroughForm(page, `${tag}-waiter`, echo, async (p) => {
    await p.getByLabel("Find a job to depend on").fill(` ${described?.jobArn} `);
    await p.getByRole("button", { name: `Depend on ${tag}-sleeper (${sleepId})` }).click();
  });
  await expect(heading(page)).toContainText("PENDING");
  const why = page.getByTestId("why-not-running");
  await expect(why).toContainText("It waits for this job to succeed first");
  await expect(why.getByRole("link", { name: `${tag}-sleeper` })).toBeVisible();

  await page.getByRole("button", { name: "Cancel job" }).click();
  const dialog = page.getByRole("dialog", { name: `Cancel ${tag}-waiter?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel job" }).click();
  await expect(heading(page)).toContainText("FAILED");
  await expect(page.getByText("Stopped from the console").first()).toBeVisible();

  await page.goto(`/jobs/${sleepId}`);
  await page.getByRole("button", { name: "Terminate job" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Terminate job" }).click();
  await expect(heading(page)).toContainText("FAILED", { timeout: 30_000 });
});

test("a job no environment can hold says so in the not-running panel", async () => {
  const page = submitter;
  await submitThroughForm(page, `${tag}-huge`, echo, async (p) => {
    await p.getByLabel("Memory (MiB)").fill("999999");
  });
  await expect(heading(page)).toContainText("RUNNABLE");
  const why = page.getByTestId("why-not-running");
  await expect(why).toContainText(
    `${tag}-ce can never run it: it asks for 999,999 MiB but the environment has at most 4,096 MiB`,
  );
  await expect(why).toContainText(`No compute environment of queue ${queue} is large enough for this job`);
  await page.screenshot({ path: test.info().outputPath("detail-not-running.png"), fullPage: true });
  await page.getByRole("button", { name: "Cancel job" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(heading(page)).toContainText("FAILED");
});

test("an admin cancels the jobs a filter shows, in bulk, after a confirmation that counts them", async () => {
  const adminJobs: string[] = [];
  for (let i = 0; i < 3; i++) {
    adminJobs.push(
      await seedJob({
        jobName: `${tag}-bulk-${i}`,
        jobQueue: queue,
        jobDefinition: echo,
        containerOverrides: { resourceRequirements: [{ type: "MEMORY", value: "999999" }] },
      }),
    );
  }
  // A submitter may stop only their own jobs: the admin's show no stop buttons to them.
  await submitter.goto(`/jobs/${adminJobs[0]}`);
  await expect(heading(submitter)).toContainText("RUNNABLE");
  await expect(submitter.getByRole("button", { name: "Cancel job" })).toHaveCount(0);
  await expect(submitter.getByRole("button", { name: "Terminate job" })).toHaveCount(0);

  const page = admin;
  await page.goto("/jobs");
  const filter = page.getByRole("form", { name: "Filter jobs" });
  await filter.getByLabel("Name starts with").fill(`${tag}-bulk`);
  await filter.getByLabel("Status").selectOption("RUNNABLE");
  // The filter applies as it changes: no Apply button.
  await expect(page).toHaveURL(/status=RUNNABLE/);
  await expect(page).toHaveURL(new RegExp(`name=${tag}-bulk`));
  await expect(page.getByRole("row")).toHaveCount(4);

  // Two to a page, so "everything matching" reaches past the page: the server walks the filter.
  await page.goto(`${new URL(page.url()).pathname}${new URL(page.url()).search}&limit=2`);
  await expect(page.getByRole("row")).toHaveCount(3);
  await page.getByLabel("Select every job on this page").check();
  await page.getByRole("button", { name: "Select every job matching this filter" }).click();
  await expect(page.getByText("Every job matching the filter is selected.")).toBeVisible();
  await page.getByRole("button", { name: "Cancel", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel 3 jobs?" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Reason").fill("bulk from e2e");
  await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(page.getByText("Cancel sent to 3 jobs.")).toBeVisible();
  // The list refreshes itself: no RUNNABLE job is left under this filter.
  await expect(page.getByText("No jobs match this filter.")).toBeVisible();
  const described = await batchClient().send(new DescribeJobsCommand({ jobs: adminJobs }));
  expect(described.jobs?.map((j) => `${j.status}:${j.statusReason}`)).toEqual(
    adminJobs.map(() => "FAILED:bulk from e2e"),
  );
});

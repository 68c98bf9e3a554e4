// Finding and following work from a job's page (issue 15): the page shows the live tail of the
// latest attempt with the full viewer a click away; the viewer leads back to the job, says how
// the job and the attempt stand, and stops offering Follow and Pause once every line is in; the
// job's queue, definition and environment are links to their places; a queue's status counts
// open the job list filtered; the dashboard's failing definitions are links. Resources and jobs
// are seeded through /v1 (e2e/seed.ts) on the real engine.
import { expect, type Page, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, signIn } from "./helpers";
import { jobStatus, seedDefinition, seedJob, seedQueueWithEnvironment, terminateJob, waitForStatus } from "./seed";

test.describe.configure({ mode: "serial" });

const ce = uniqueName("jp-ce").toLowerCase();
const queue = uniqueName("jp-q").toLowerCase();
const printer = uniqueName("jp-print").toLowerCase();
const quiet = uniqueName("jp-quiet").toLowerCase();
const failing = uniqueName("jp-fail").toLowerCase();
/** The printer's job: sixty lines, a pause, one more line, a pause, then exit code 3. */
const PRINT = "for i in $(seq 1 60); do echo line-$i; done; sleep 8; echo last-line; sleep 4; exit 3";
let printed = "";
let printedName = "";

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

test.beforeAll(async () => {
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 4, memoryMiB: 4096 });
  await seedDefinition(printer, { image: "busybox", command: ["sh", "-c", PRINT], memoryMiB: 64 });
  await seedDefinition(quiet, {
    image: "busybox",
    command: ["sh", "-c", "echo one; sleep 8; echo two"],
    memoryMiB: 64,
  });
  await seedDefinition(failing, { image: "busybox", command: ["true"], memoryMiB: 64 });
});

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("the job page shows the latest attempt's output live, and the full log is a click away", async ({ page }) => {
  test.setTimeout(90_000);
  const name = uniqueName("printer");
  printedName = name;
  printed = await seedJob({ jobName: name, jobQueue: queue, jobDefinition: printer });
  await waitForStatus(printed, "RUNNING", { timeout: 30_000 });
  await page.goto(`/jobs/${printed}`);
  await expect(heading(page)).toContainText(name);

  // The tail follows the newest line while the job runs.
  const tail = page.getByTestId("latest-output");
  await expect(tail.getByRole("heading", { name: "Latest output · attempt 1" })).toBeVisible();
  const lines = tail.getByTestId("log-lines");
  await expect(lines).toContainText("line-60", { timeout: 15_000 });
  await expect(lines).not.toContainText("last-line");
  await expect(tail.getByText("Live", { exact: true })).toBeVisible();
  // A line written after the page opened appears on it while the job still runs.
  await expect(lines).toContainText("last-line", { timeout: 20_000 });
  expect(await jobStatus(printed)).toBe("RUNNING");
  await expect(tail.getByText("Attempt 1 has ended")).toBeVisible({ timeout: 20_000 });
  await expect(heading(page)).toContainText("FAILED", { timeout: 15_000 });
  // The tail holds the last 50 lines: scrolled to its top, the first is line-12 (of 61).
  await expect(tail.getByText("the last 50 lines")).toBeVisible();
  await lines.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(lines.locator(".log-text").first()).toHaveText("line-12");
  await page.screenshot({ path: test.info().outputPath("job-page-tail.png"), fullPage: true });

  // Open full log: the viewer, on the same attempt, with every line.
  await tail.getByRole("link", { name: "Open full log" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${printed}/logs\\?attempt=1$`));
  await expect(page.getByRole("heading", { name: `Logs: ${name}` })).toBeVisible();
  await expect(page.getByText("Finished: all output shown")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("log-lines")).toContainText("last-line");

  // How the job and the attempt ended, and nothing left to follow or pause.
  const summary = page.getByTestId("job-logs-summary");
  await expect(summary.locator("[data-status]")).toHaveText("FAILED");
  await expect(summary.getByText("Exit code", { exact: true }).locator("xpath=following-sibling::dd[1]")).toHaveText(
    "3",
  );
  await expect(summary).toContainText("Attempt 1 of 1");
  await expect(summary).toContainText("exit code 3");
  await expect(page.getByLabel("Follow")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Pause" })).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath("logs-page-ended.png"), fullPage: true });

  // Back to the job.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${printed}$`));
  await expect(heading(page)).toContainText(name);
});

test("the logs page offers Follow and Pause while the attempt runs, and says how it ended", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("quiet");
  const jobId = await seedJob({ jobName: name, jobQueue: queue, jobDefinition: quiet });
  await waitForStatus(jobId, "RUNNING", { timeout: 30_000 });
  await page.goto(`/jobs/${jobId}/logs`);
  const lines = page.getByTestId("log-lines");
  await expect(lines).toContainText("one");
  const summary = page.getByTestId("job-logs-summary");
  await expect(summary.locator("[data-status]")).toHaveText("RUNNING");
  await expect(summary).toContainText("Attempt 1 of 1");
  await expect(summary).toContainText("running");
  await expect(page.getByLabel("Follow")).toBeEnabled();
  await expect(page.getByRole("button", { name: "Pause" })).toBeEnabled();

  await expect(page.getByText("Finished: all output shown")).toBeVisible({ timeout: 20_000 });
  await expect(lines).toContainText("two");
  await expect(page.getByLabel("Follow")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Pause" })).toBeDisabled();
  // The header follows the job to its end.
  await expect(summary.locator("[data-status]")).toHaveText("SUCCEEDED", { timeout: 15_000 });
  await expect(summary.getByText("Exit code", { exact: true }).locator("xpath=following-sibling::dd[1]")).toHaveText(
    "0",
  );
  await expect(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name })).toHaveAttribute(
    "href",
    `/jobs/${jobId}`,
  );

  // The job's page says how it ended in its own words, not AWS's generic reason (which stays
  // under Details).
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name }).click();
  const header = page.getByRole("heading", { level: 1 }).locator("xpath=..");
  await expect(header).toContainText("Exit code 0");
  await expect(header).not.toContainText("Essential container in task exited");
});

test("a job's queue, definition and environment are links to their places", async ({ page }) => {
  expect(printed).not.toBe("");
  await page.goto(`/jobs/${printed}`);
  await expect(heading(page)).toContainText("FAILED");
  // The job has ended: nothing else on its page names its queue, definition or environment.
  const details = page.getByRole("main");

  await details.getByRole("link", { name: queue, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/job-queues/${queue}$`));
  await expect(heading(page)).toHaveText(queue);

  await page.goBack();
  await details.getByRole("link", { name: `${printer}:1`, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/job-definitions/${printer}\\?revision=1$`));
  await expect(heading(page)).toHaveText(printer);

  // The environment has a page of its own: what it is, what it hands out now, the queues that
  // use it (each a link back).
  await page.goBack();
  await details.getByRole("link", { name: ce, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/compute-environments/${ce}$`));
  await expect(heading(page)).toHaveText(ce);
  await expect(page.getByTestId("environment-jobs")).toHaveText(/^\d+$/);
  await page.getByRole("main").getByRole("link", { name: queue, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/job-queues/${queue}$`));
});

test("a queue's status counts open the job list filtered by the queue and the status", async ({ page }) => {
  await page.goto(`/job-queues/${queue}`);
  await page.getByRole("link", { name: `1 FAILED job in ${queue}` }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs\\?queue=${queue}&status=FAILED$`));
  const filter = page.getByRole("form", { name: "Filter jobs" });
  await expect(filter.getByLabel("Queue")).toHaveValue(queue);
  await expect(filter.getByLabel("Status")).toHaveValue("FAILED");
  // The printer's job (FAILED) is listed; the quiet one (SUCCEEDED) is not.
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("row").nth(1)).toContainText("FAILED");
  await page.getByRole("row").nth(1).getByRole("link", { name: printedName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${printed}$`));
});

test("the dashboard's failing definitions lead to the definition and to its failed jobs", async ({ page }) => {
  test.setTimeout(60_000);
  // Twelve failures, more than any other definition of the suite has in the last 15 minutes:
  // jobs no environment can hold wait RUNNABLE and are terminated.
  const FAILURES = 12;
  for (let i = 0; i < FAILURES; i++) {
    const id = await seedJob({
      jobName: `fail-${i}`,
      jobQueue: queue,
      jobDefinition: failing,
      containerOverrides: { resourceRequirements: [{ type: "MEMORY", value: "999999" }] },
    });
    await terminateJob(id, "made to fail by the e2e spec");
    await waitForStatus(id, "FAILED");
  }

  await page.goto("/dashboard?range=15m");
  const table = page.getByRole("table", { name: "Job definitions that failed most" });
  await expect(table.getByRole("link", { name: `${failing}:1`, exact: true })).toBeVisible({ timeout: 20_000 });
  await table.getByRole("link", { name: `${failing}:1`, exact: true }).click();
  // The revision that failed, shown whole.
  await expect(page).toHaveURL(new RegExp(`/job-definitions/${failing}\\?revision=1$`));
  await expect(heading(page)).toHaveText(failing);
  await expect(page.getByRole("region", { name: "Revision 1" })).toBeVisible();

  await page.goBack();
  await table.getByRole("link", { name: `${FAILURES} failed jobs of ${failing}:1` }).click();
  await expect(page).toHaveURL(/\/jobs\?definition=.*&status=FAILED$/);
  await expect(page.getByRole("form", { name: "Filter jobs" }).getByLabel("Definition")).toHaveValue(`${failing}:1`);
  await expect(page.getByRole("row")).toHaveCount(FAILURES + 1);
});

// A job page after a failure (issue 15): a failed job's header says what happened ("Exit code 1
// after 2 of 2 attempts") instead of AWS's "Essential container in task exited", which stays in
// the details, and its timeline marks the failure; a finished array shows its run time (its
// children's); "Submit failed children again" submits a new array of only the failed children,
// whose page shows them with their original indexes and links back to the original. Resources
// and jobs are seeded through /v1 (e2e/seed.ts) on the real engine.
import { expect, type Page, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, signIn } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, waitForStatus } from "./seed";

test.describe.configure({ mode: "serial" });

const ce = uniqueName("jf-ce").toLowerCase();
const queue = uniqueName("jf-q").toLowerCase();
const exitOne = uniqueName("jf-exit").toLowerCase();
const partial = uniqueName("jf-partial").toLowerCase();
/** Fails for the children of index 1 and 4, after printing its index. */
const PARTIAL = 'echo "index=$AWS_BATCH_JOB_ARRAY_INDEX"; case "$AWS_BATCH_JOB_ARRAY_INDEX" in 1|4) exit 3;; esac';
let arrayJob = "";

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
const detail = (page: Page, term: string) =>
  page.getByText(term, { exact: true }).locator("xpath=following-sibling::dd[1]");

test.beforeAll(async () => {
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 4, memoryMiB: 4096 });
  await seedDefinition(exitOne, { image: "busybox", command: ["sh", "-c", "echo failing; exit 1"], memoryMiB: 64 });
  await seedDefinition(partial, { image: "busybox", command: ["sh", "-c", PARTIAL], memoryMiB: 64 });
});

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("a failed job's header says what happened and its timeline marks the failure", async ({ page }) => {
  test.setTimeout(90_000);
  const name = uniqueName("exit-one");
  const jobId = await seedJob({
    jobName: name,
    jobQueue: queue,
    jobDefinition: exitOne,
    retryStrategy: { attempts: 2 },
  });
  await waitForStatus(jobId, "FAILED", { timeout: 60_000 });
  await page.goto(`/jobs/${jobId}`);
  await expect(heading(page)).toContainText(name);
  await expect(heading(page)).toContainText("FAILED");

  await expect(page.getByTestId("failure-summary")).toContainText("Exit code 1 after 2 of 2 attempts");
  // AWS's own words are in the details, not the header.
  await expect(detail(page, "Status reason")).toHaveText("Essential container in task exited");

  // The timeline: each attempt failed, and the end is a failure with its time and what happened.
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline.getByRole("listitem").filter({ hasText: "Attempt 2 failed" })).toContainText("exit code 1");
  const end = timeline.getByRole("listitem").last();
  await expect(end).toHaveAttribute("data-failed", "true");
  await expect(end).toContainText("Failed");
  await expect(end).toContainText("Exit code 1 after 2 of 2 attempts");
  await expect(end).toContainText("UTC");
  await expect(end.locator("[aria-hidden=true]")).toHaveText("✕");
  await page.screenshot({ path: test.info().outputPath("job-failed.png"), fullPage: true });
});

test("a finished array shows its run time, from its children", async ({ page }) => {
  test.setTimeout(120_000);
  const name = uniqueName("partial");
  arrayJob = await seedJob({ jobName: name, jobQueue: queue, jobDefinition: partial, arrayProperties: { size: 6 } });
  await waitForStatus(arrayJob, "FAILED", { timeout: 90_000 });
  await page.goto(`/jobs/${arrayJob}`);
  await expect(heading(page)).toContainText("FAILED");
  await expect(page.getByTestId("failure-summary")).toContainText("2 of 6 children failed");
  const runTime = detail(page, "Run time");
  await expect(runTime).toContainText("first child's start to last child's end");
  await expect(runTime).toHaveText(/^\d+(\.\d)? (s|min)/);
  await expect(runTime).not.toContainText("not started");
  await expect(runTime).not.toContainText("so far");
});

test("Submit failed children again submits only them, each with its index", async ({ page }) => {
  test.setTimeout(120_000);
  expect(arrayJob).not.toBe("");
  await page.goto(`/jobs/${arrayJob}`);
  await expect(heading(page)).toContainText("FAILED");
  await page.getByRole("button", { name: "Submit 2 failed children again" }).click();

  // The new array's page: it names the original, and holds the children 1 and 4 only.
  await expect(page).not.toHaveURL(new RegExp(`/jobs/${arrayJob}$`), { timeout: 15_000 });
  await expect(page.getByText("Failed children of")).toBeVisible();
  await expect(page.getByRole("link", { name: arrayJob, exact: true })).toHaveAttribute("href", `/jobs/${arrayJob}`);
  const newJob = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  expect(newJob).not.toBe(arrayJob);
  await expect(page.getByRole("heading", { name: "Children (2)" })).toBeVisible();
  const children = page.getByRole("table", { name: "Children" });
  await expect(page.getByRole("button", { name: "All 2" })).toBeVisible();
  await expect(children.getByRole("link")).toHaveCount(2);
  await expect(children.getByRole("link", { name: "1", exact: true })).toHaveAttribute("href", `/jobs/${newJob}%3A1`);
  await expect(children.getByRole("link", { name: "4", exact: true })).toHaveAttribute("href", `/jobs/${newJob}%3A4`);

  // Run again, each fails again as it did (its command fails on indexes 1 and 4 only: the engine
  // gave each its own AWS_BATCH_JOB_ARRAY_INDEX; tests/integration/jobs-resubmit-failed-children
  // reads what each printed), and a child's page names its index.
  await waitForStatus(newJob, "FAILED", { timeout: 90_000 });
  await expect(page.getByTestId("failure-summary")).toContainText("2 of 2 children failed");
  await children.getByRole("link", { name: "4", exact: true }).click();
  await expect(page.getByText("index 4 of its array job")).toBeVisible();
  await expect(page.getByTestId("failure-summary")).toContainText("Exit code 3 after 1 of 1 attempt");
  await page.screenshot({ path: test.info().outputPath("failed-children-again.png"), fullPage: true });
});

// A job definition's revisions (issue 15): any revision is shown whole (its key facts and its
// JSON) at a URL of its own; "Submit with this revision" runs that exact revision, not the
// latest; the revision diff leaves out the ARN, revision number and other bookkeeping, so two
// revisions registered from one request have no differences. Definitions, queues and
// environments are seeded through /v1 (e2e/seed.ts); the pages are what is tested.
import { RegisterJobDefinitionCommand, type RegisterJobDefinitionCommandInput } from "@aws-sdk/client-batch";
import { expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, signIn } from "./helpers";
import { seedQueueWithEnvironment } from "./seed";

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

async function register(name: string, extra: Partial<RegisterJobDefinitionCommandInput> = {}, command = ["true"]) {
  await batchClient().send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: "container",
      containerProperties: {
        image: "local",
        command,
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "64" },
        ],
      },
      ...extra,
    }),
  );
}

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("any revision is shown whole: an old revision's retries, timeout and JSON", async ({ page }) => {
  const name = uniqueName("def-view").toLowerCase();
  await register(name, {
    retryStrategy: {
      attempts: 3,
      evaluateOnExit: [
        { action: "RETRY", onExitCode: "1*" },
        { action: "EXIT", onReason: "*" },
      ],
    },
    timeout: { attemptDurationSeconds: 90 },
    tags: { team: "data" },
  });
  await register(name, {}, ["echo", "second"]);

  await page.goto(`/job-definitions/${name}`);
  await expect(heading(page)).toHaveText(name);
  // The latest revision is shown first: no retries, no timeout.
  const latest = page.getByRole("region", { name: "Revision 2" });
  await expect(latest.getByText("1 attempt (no retries)")).toBeVisible();
  await expect(latest.getByLabel(`${name}:2 as JSON`)).toContainText('"echo"');

  await page.getByRole("link", { name: "Show revision 1" }).click();
  await expect(page).toHaveURL(/\?revision=1$/);
  const old = page.getByRole("region", { name: "Revision 1" });
  await expect(old.getByText("3 attempts")).toBeVisible();
  await expect(old.getByText("RETRY on exit code 1*")).toBeVisible();
  await expect(old.getByText("EXIT on reason *")).toBeVisible();
  await expect(old.getByText("1 min 30 s per attempt")).toBeVisible();
  await expect(old.getByText("team=data")).toBeVisible();
  const json = old.getByLabel(`${name}:1 as JSON`);
  await expect(json).toContainText('"attemptDurationSeconds": 90');
  await expect(json).toContainText(`job-definition/${name}:1`);
  await page.screenshot({ path: test.info().outputPath("definition-revision.png"), fullPage: true });

  // The URL alone opens it on that revision.
  await page.goto(`/job-definitions/${name}?revision=1`);
  await expect(page.getByRole("region", { name: "Revision 1" }).getByText("3 attempts")).toBeVisible();
});

test("Submit with this revision runs that revision, not the latest", async ({ page }) => {
  const ce = uniqueName("defs-ce").toLowerCase();
  const queue = uniqueName("defs-q").toLowerCase();
  const name = uniqueName("def-submit").toLowerCase();
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 2, memoryMiB: 1024 });
  await register(name, {}, ["echo", "one"]);
  await register(name, {}, ["echo", "two"]);

  // A revision that is not active is said to be so.
  await page.goto(`/jobs/new?definition=${name}:9`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText(`${name}:9 is not an active revision`);

  await page.goto(`/job-definitions/${name}?revision=1`);
  await page
    .getByRole("region", { name: "Revision 1" })
    .getByRole("link", { name: "Submit with this revision" })
    .click();
  const form = page.getByRole("form", { name: "Submit a job" });
  await expect(form.getByLabel("Job definition")).toHaveValue(name);
  await expect(form.getByLabel("Revision", { exact: true })).toHaveValue("1");
  // The hints speak of the revision that will run: the form's "Runs …" line follows the choice.
  await expect(form.getByText("Runs echo one")).toBeVisible();
  await form.getByLabel("Revision", { exact: true }).selectOption("");
  await expect(form.getByText("Runs echo two")).toBeVisible();
  await form.getByLabel("Revision", { exact: true }).selectOption("1");
  await expect(form.getByText("Runs echo one")).toBeVisible();
  await form.getByLabel("Job name").fill("first-revision");
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByRole("button", { name: "Submit job" }).click();

  await expect(page).toHaveURL(/\/jobs\/[^/]+$/);
  await expect(page.getByRole("main").getByRole("link", { name: `${name}:1`, exact: true })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: `${name}:2`, exact: true })).toHaveCount(0);
  // The job's definition link opens the definition on the revision the job ran.
  await page
    .getByRole("main")
    .getByRole("link", { name: `${name}:1`, exact: true })
    .click();
  await expect(page.getByRole("region", { name: "Revision 1" })).toBeVisible();
});

test("the revision diff leaves identity out and shows a changed command", async ({ page }) => {
  const name = uniqueName("def-diff").toLowerCase();
  await register(name, {}, ["echo", "same"]);
  await register(name, {}, ["echo", "same"]);
  await register(name, {}, ["echo", "changed"]);

  await page.goto(`/job-definitions/${name}?a=1&b=2`);
  const summary = page.getByTestId("diff-summary");
  await expect(summary).toHaveText(`No differences between ${name}:1 and ${name}:2.`);
  const same = page.getByRole("table", { name: `Differences between ${name}:1 and ${name}:2` });
  await expect(same.locator('tr[data-kind="added"], tr[data-kind="removed"]')).toHaveCount(0);

  // The form chooses the pair to compare.
  const choose = page.getByRole("form", { name: "Choose revisions to compare" });
  await choose.getByLabel("From revision").selectOption("2");
  await choose.getByLabel("To revision").selectOption("3");
  await choose.getByRole("button", { name: "Compare" }).click();
  await expect(summary).toContainText(`From ${name}:2 to ${name}:3: 1 added, 1 removed.`);
  const diff = page.getByRole("table", { name: `Differences between ${name}:2 and ${name}:3` });
  await expect(diff.locator('tr[data-kind="removed"]')).toHaveCount(1);
  await expect(diff.locator('tr[data-kind="removed"]')).toContainText('"same"');
  await expect(diff.locator('tr[data-kind="added"]')).toHaveCount(1);
  await expect(diff.locator('tr[data-kind="added"]')).toContainText('"changed"');
  await page.screenshot({ path: test.info().outputPath("definition-diff.png"), fullPage: true });
});

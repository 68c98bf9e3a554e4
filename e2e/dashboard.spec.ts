// The dashboard and times (issue 15): a live "Right now" whose counts lead to the jobs they
// count; failures on a chart and scale of their own, so a few stay visible beside many
// successes; throughput without pointless decimals; one time format on every page (the
// browser runs in New York, the console says UTC); and no serious or critical axe-core finding
// on the dashboard or on a job page with dependencies. Resources and jobs are seeded through
// /v1 (e2e/seed.ts) on the real engine.

import { DescribeJobsCommand } from "@aws-sdk/client-batch";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { ADMIN, signIn } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, terminateJob, waitForStatus } from "./seed";

test.describe.configure({ mode: "serial" });
// A zone other than UTC, so a time written in the browser's zone would show.
test.use({ timezoneId: "America/New_York" });

const ce = uniqueName("dash-ce").toLowerCase();
const queue = uniqueName("dash-q").toLowerCase();
const wideCe = uniqueName("dash-wide-ce").toLowerCase();
const wideQueue = uniqueName("dash-wide-q").toLowerCase();
const sleeper = uniqueName("dash-sleep").toLowerCase();
const quick = uniqueName("dash-quick").toLowerCase();
const flaky = uniqueName("dash-flaky").toLowerCase();

/** How the console writes an absolute time: "2026-12-07 14:03:09 UTC". */
const ABSOLUTE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;
/** A relative time as components/lib/format-time.ts writes it in the past. */
const RELATIVE = /^(just now|\d+ (s|min|h|d) ago)$/;
const absolute = (ms: number) => `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC`;

test.beforeAll(async () => {
  // One vCPU: a second sleeper waits RUNNABLE behind the first.
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 1, memoryMiB: 1024 });
  await seedQueueWithEnvironment({ queue: wideQueue, computeEnvironment: wideCe }, { maxvCpus: 4, memoryMiB: 4096 });
  await seedDefinition(sleeper, { image: "busybox", command: ["sleep", "60"], memoryMiB: 64 });
  await seedDefinition(quick, { image: "busybox", command: ["true"], memoryMiB: 64 });
  // Children 0, 1 and 2 fail; the rest succeed.
  await seedDefinition(flaky, {
    image: "busybox",
    command: ["sh", "-c", 'test "$AWS_BATCH_JOB_ARRAY_INDEX" -ge 3'],
    memoryMiB: 64,
  });
});

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

const stat = (page: Page, label: string) =>
  page.locator("dt", { hasText: label }).first().locator("xpath=following-sibling::dd[1]");

test("Right now counts the queue's running and waiting jobs, each count a link to them", async ({ page }) => {
  test.setTimeout(90_000);
  const running = await seedJob({ jobName: uniqueName("now-running"), jobQueue: queue, jobDefinition: sleeper });
  await waitForStatus(running, "RUNNING", { timeout: 30_000 });
  const waiting = await seedJob({ jobName: uniqueName("now-waiting"), jobQueue: queue, jobDefinition: sleeper });
  try {
    await waitForStatus(waiting, "RUNNABLE");
    await page.goto("/dashboard");
    const rightNow = page.locator("section", { has: page.getByRole("heading", { name: "Right now" }) });
    await expect(rightNow.getByRole("heading", { name: "Right now" })).toBeVisible();
    const row = rightNow.getByRole("row", { name: new RegExp(queue) });
    const runningLink = row.getByRole("link", { name: `1 running job in ${queue}` });
    const waitingLink = row.getByRole("link", { name: `1 waiting (runnable) job in ${queue}` });
    await expect(runningLink).toBeVisible();
    await expect(waitingLink).toBeVisible();
    // The longest wait ticks: a duration, not a placeholder.
    await expect(row.getByRole("cell").last()).toHaveText(/^\d+(\.\d)? (s|min)/);
    await expect(stat(page, "vCPUs in use")).toContainText(/\d/);

    await waitingLink.click();
    await expect(page).toHaveURL(new RegExp(`/jobs\\?(?=.*queue=${queue})(?=.*status=RUNNABLE)`));
    await expect(page.getByRole("link", { name: /now-waiting/ })).toBeVisible();
    await page.goBack();
    await runningLink.click();
    await expect(page).toHaveURL(new RegExp(`/jobs\\?(?=.*queue=${queue})(?=.*status=RUNNING)`));
    await expect(page.getByRole("link", { name: /now-running/ })).toBeVisible();
  } finally {
    await terminateJob(waiting, "dashboard spec done");
    await terminateJob(running, "dashboard spec done");
  }
});

test("failures stay visible beside many successes, and throughput has no pointless decimals", async ({ page }) => {
  test.setTimeout(120_000);
  const array = await seedJob({
    jobName: uniqueName("flaky-array"),
    jobQueue: wideQueue,
    jobDefinition: flaky,
    arrayProperties: { size: 40 },
  });
  await waitForStatus(array, "FAILED", { timeout: 90_000 });
  await page.goto("/dashboard?range=15m");

  const failedChart = page.getByTestId("failed-chart");
  await expect(page.getByRole("heading", { name: "Jobs failed per interval" })).toBeVisible();
  await expect
    .poll(async () => Number((await page.getByTestId("failed-total").textContent())?.replace(/\D/g, "") ?? 0), {
      timeout: 20_000,
    })
    .toBeGreaterThanOrEqual(3);
  await expect(page.getByText("Failures have their own chart and scale")).toBeVisible();
  // On its own scale the interval with the most failures fills at least half the chart's height,
  // whatever the successes beside it.
  await expect(failedChart.locator(".recharts-bar-rectangle").first()).toBeVisible({ timeout: 15_000 });
  const boxHeight = (await failedChart.boundingBox())?.height ?? 0;
  const tallest = await failedChart
    .locator(".recharts-bar-rectangle path")
    .evaluateAll((paths) => Math.max(0, ...paths.map((p) => p.getBoundingClientRect().height)));
  expect(tallest).toBeGreaterThan(boxHeight / 2);

  // Throughput: whole, or one decimal under 10, with its unit.
  await expect(stat(page, "Throughput")).toHaveText(/^\d[\d,]*(\.\d)? jobs\/(min|h)$/);
  await expect(stat(page, "Throughput")).not.toHaveText(/\.\d\d/);
  await page.screenshot({ path: test.info().outputPath("dashboard-failures.png"), fullPage: true });
});

test("a job's submitted time reads the same on the job list and its page, in UTC; so does the dashboard's", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const name = uniqueName("time-job");
  const jobId = await seedJob({ jobName: name, jobQueue: wideQueue, jobDefinition: quick });
  await waitForStatus(jobId, "SUCCEEDED", { timeout: 30_000 });
  const described = await batchClient().send(new DescribeJobsCommand({ jobs: [jobId] }));
  const createdAt = Number(described.jobs?.[0]?.createdAt);
  const iso = new Date(createdAt).toISOString();
  const expected = absolute(createdAt);

  await page.goto(`/jobs?name=${encodeURIComponent(name)}`);
  const inList = page.locator(`time[datetime="${iso}"]`).first();
  await expect(inList).toHaveAttribute("title", expected);
  // Hydrated: the browser has switched the server's exact time to the relative one.
  await expect(inList).toHaveText(/ago$|^just now$/);
  const listText = (await inList.textContent()) ?? "";

  await page.goto(`/jobs/${jobId}`);
  const onPage = page.locator(`time[datetime="${iso}"]`);
  await expect(onPage.first()).toBeVisible();
  // Every rendering of that instant is the list's: relative with the UTC time as its title, or
  // the UTC time itself.
  for (const t of await onPage.all()) {
    const text = (await t.textContent()) ?? "";
    if (ABSOLUTE.test(text)) expect(text).toBe(expected);
    else {
      await expect(t).toHaveAttribute("title", expected);
      // The same relative form as the list's (its words move on with the clock: "just now",
      // then "4 s ago", so only the form is compared).
      expect(text).toMatch(RELATIVE);
      expect(listText).toMatch(RELATIVE);
    }
  }
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText(expected);

  // The dashboard says when it was updated in the same absolute form, not in the browser's zone.
  await page.goto("/dashboard");
  await expect
    .poll(
      async () =>
        (await page
          .locator("output")
          .filter({ hasText: /^Updat/ })
          .first()
          .textContent()) ?? "",
    )
    .toMatch(/^Updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
});

/** Serious and critical findings, with label-content-name-mismatch (experimental in axe) turned on. */
async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page })
    .options({ rules: { "label-content-name-mismatch": { enabled: true } } })
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "label-content-name-mismatch")
    .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

test("axe finds no serious or critical violation on the dashboard or on a job page with dependencies", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const first = await seedJob({ jobName: uniqueName("axe-upstream"), jobQueue: wideQueue, jobDefinition: quick });
  const second = await seedJob({
    jobName: uniqueName("axe-downstream-with-a-rather-long-name"),
    jobQueue: wideQueue,
    jobDefinition: quick,
    dependsOn: [{ jobId: first }],
  });
  await waitForStatus(second, "SUCCEEDED", { timeout: 60_000 });

  await page.goto("/dashboard?range=15m");
  await expect(page.getByTestId("chart").first().locator("svg").first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("failed-chart").or(page.getByTestId("chart")).first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The Usage page's chart shares the dashboard's drawing: nothing in it takes focus either.
  await page.goto("/usage");
  await expect(page.getByTestId("usage-chart").locator("svg").first()).toBeVisible({ timeout: 15_000 });
  const usage = await new AxeBuilder({ page }).withRules(["aria-hidden-focus"]).analyze();
  expect(usage.violations.map((v) => v.id)).toEqual([]);

  for (const [jobId, other] of [
    [second, "axe-upstream"],
    [first, "axe-downstream"],
  ] as const) {
    await page.goto(`/jobs/${jobId}`);
    const graph = page.locator('svg[aria-labelledby="dependency-graph-title"]');
    await expect(graph.getByRole("link", { name: new RegExp(other) })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  }
});

import { expect, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, confirmInDialog, signIn } from "./helpers";
import { seedDefinition, seedQueueWithEnvironment } from "./seed";

const TIME_IN_UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;

// A browser away from UTC, so "your time" is seen to be the browser's zone, not the server's.
test.use({ timezoneId: "Asia/Tokyo" });

test("an admin schedules a job, runs it now, follows it to its job, and disables the schedule", async ({ page }) => {
  const queue = uniqueName("sq");
  const def = uniqueName("sdef");
  const name = uniqueName("every-minute");
  await seedQueueWithEnvironment({ queue, computeEnvironment: uniqueName("sce") }, { memoryMiB: 1024 });
  await seedDefinition(def, { command: ["echo", "scheduled"] });
  await signIn(page, ADMIN.email, ADMIN.password);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedules" }).click();
  await expect(page.getByRole("heading", { name: "Schedules", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "Create schedule" });
  await expect(form.getByLabel("Expression", { exact: true })).toHaveAttribute("placeholder", "rate(5 minutes)");
  await expect(form.getByLabel("Time zone", { exact: true })).toHaveValue("UTC");
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Expression", { exact: true }).fill("rate(1 minute)");
  await form.getByLabel("Job queue", { exact: true }).selectOption(queue);
  await form.getByLabel("Job definition", { exact: true }).selectOption(def);
  await form.getByLabel("Job name", { exact: true }).fill("tick");
  await form.getByRole("button", { name: "Create schedule" }).click();
  // Created: the form empties, the schedule is listed with its words and its next fire.
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("");
  const row = page.getByRole("table", { name: "Schedules" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("rate(1 minute)");
  await expect(row).toContainText("every minute");
  await expect(row).toContainText("ENABLED");
  await expect(page.getByTestId(`next-fire-${name}`)).toHaveText(TIME_IN_UTC);

  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText(queue, { exact: true })).toBeVisible();
  // The next five fires, in the schedule's zone, in UTC and in the browser's own zone.
  const next = page.getByRole("table", { name: "Next fires" });
  await expect(next.getByRole("row")).toHaveCount(6);
  await expect(next.getByRole("columnheader", { name: "Your time (Asia/Tokyo)" })).toBeVisible();
  const first = next.getByRole("row").nth(1).getByRole("cell");
  await expect(first.nth(2)).toHaveText(TIME_IN_UTC);
  await expect(first.nth(3)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\+9$/);

  await page.getByRole("button", { name: `Run now: ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Submitted" })).toBeVisible();
  const manual = page.getByRole("table", { name: "Fire history" }).getByRole("row").filter({ hasText: "Run now" });
  await expect(manual).toHaveCount(1);
  await expect(manual).toContainText("SUBMITTED");
  const jobLink = manual.getByRole("link");
  const jobId = (await jobLink.textContent())?.trim() ?? "";
  expect(jobId).not.toBe("");
  await page.screenshot({ path: test.info().outputPath("schedule.png"), fullPage: true });
  await jobLink.click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("tick");

  await page.goBack();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await page.getByRole("button", { name: `Disable ${name}` }).click();
  await expect(page.getByTestId("schedule-state")).toHaveText("DISABLED");
  await expect(page.getByRole("button", { name: `Enable ${name}` })).toBeVisible();
  await expect(page.getByText("A disabled schedule does not fire.")).toBeVisible();

  await page.getByRole("link", { name: "← All schedules" }).click();
  await expect(row).toContainText("DISABLED");
  await expect(page.getByTestId(`next-fire-${name}`)).toHaveText("—");

  // A five-field cron (AWS's has six) is refused with the grammar's reason; nothing typed is lost.
  const bad = uniqueName("bad-cron");
  await form.getByLabel("Name", { exact: true }).fill(bad);
  await form.getByLabel("Expression", { exact: true }).fill("cron(0 10 * * *)");
  await form.getByLabel("Time zone", { exact: true }).fill("Europe/Paris");
  await form.getByLabel("Job queue", { exact: true }).selectOption(queue);
  await form.getByLabel("Job definition", { exact: true }).selectOption(def);
  await form.getByLabel("Job name", { exact: true }).fill("daily");
  await form.getByRole("button", { name: "Create schedule" }).click();
  await expect(form.getByRole("alert")).toContainText("cron expressions have 6 fields");
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue(bad);
  await expect(form.getByLabel("Expression", { exact: true })).toHaveValue("cron(0 10 * * *)");
  await expect(form.getByLabel("Time zone", { exact: true })).toHaveValue("Europe/Paris");
  await expect(form.getByLabel("Job queue", { exact: true })).toHaveValue(queue);
  await expect(form.getByLabel("Job definition", { exact: true })).toHaveValue(def);
  await expect(form.getByLabel("Job name", { exact: true })).toHaveValue("daily");
  await expect(page.getByRole("table", { name: "Schedules" }).getByRole("row").filter({ hasText: bad })).toHaveCount(0);

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await confirmInDialog(page, `Delete ${name}?`, "Delete");
  await expect(row).toHaveCount(0);
});

// The Usage page: a job run by the engine shows up by queue in the table and the chart, the CSV
// download holds its row with exact figures, and a submitter is refused the page and the CSV.
// Resources and the job are seeded through the signed /v1 API (e2e/seed.ts).
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, acceptInvitation, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, waitForStatus } from "./seed";

test("a finished job's usage is shown by queue and downloaded as CSV; submitters are refused", async ({
  page,
  browser,
}) => {
  const queue = uniqueName("usage-q");
  const definition = uniqueName("usage-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: uniqueName("usage-ce") }, { maxvCpus: 2 });
  await seedDefinition(definition, { command: ["sh", "-c", "sleep 1"], memoryMiB: 256 });
  const jobId = await seedJob({ jobName: "usage", jobQueue: queue, jobDefinition: definition });
  await waitForStatus(jobId, "SUCCEEDED", { timeout: 30_000 });

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Usage by day" })).toBeVisible();

  await page.getByLabel("Group by").selectOption({ label: "Job queue" });
  await page.getByRole("button", { name: "Show usage" }).click();
  await expect(page).toHaveURL(/group=queue/);
  const table = page.getByRole("table", { name: "Usage by job queue" });
  const row = table.getByRole("row").filter({ has: page.getByRole("cell", { name: queue, exact: true }) });
  // One attempt of about a second at 1 vCPU: well under a hundredth of an hour.
  await expect(row.getByRole("cell")).toHaveText([queue, "1", "< 0.01", "< 0.01", "0.00"]);
  await expect(table.getByRole("rowheader", { name: "Total" })).toBeVisible();
  await expect(page.getByTestId("usage-chart")).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-queue\.csv$/);
  const lines = readFileSync((await download.path()) as string, "utf8")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("day,job_queue,attempts,vcpu_seconds,memory_gib_seconds,gpu_seconds");
  const ours = lines.filter((l) => l.split(",")[1] === queue);
  expect(ours).toHaveLength(1);
  const [, , attempts, vcpuSeconds, memoryGiBSeconds, gpuSeconds] = ours[0]!.split(",");
  expect(attempts).toBe("1");
  // 1 vCPU and 256 MiB for the attempt's run: GiB-s = s / 4, exactly.
  expect(Number(vcpuSeconds)).toBeGreaterThanOrEqual(1);
  expect(Number(memoryGiBSeconds)).toBe(Number(vcpuSeconds) / 4);
  expect(gpuSeconds).toBe("0");

  const submitter = uniqueEmail("usage-sub");
  const link = await inviteMember(page, submitter, "Submitter");
  const subPage = await acceptInvitation(browser, link, "Usage Submitter", "usage-submitter-password");
  await subPage.goto("/usage");
  await expect(subPage.getByText("Only admins and developers can see the organization's usage.")).toBeVisible();
  await expect(subPage.getByRole("link", { name: "Download CSV" })).toHaveCount(0);
  const refused = await subPage.request.get("/api/usage/export");
  expect(refused.status()).toBe(403);
  await subPage.context().close();
});

import { expect, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, acceptInvitation, confirmInDialog, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedDefinition, seedJob, seedUnmanagedEnvironment } from "./seed";

test("an admin creates a compute environment, a fair-share policy and a queue, and watches it run a job", async ({
  page,
}) => {
  const ce = uniqueName("ce");
  const policy = uniqueName("fair");
  const queue = uniqueName("q");
  await signIn(page, ADMIN.email, ADMIN.password);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compute environments" }).click();
  await page.getByRole("link", { name: "Create compute environment" }).click();
  const ceForm = page.getByRole("form", { name: "Create compute environment" });
  await ceForm.getByLabel("Name").fill(ce);
  await ceForm.getByLabel("Maximum vCPUs").fill("2");
  await ceForm.getByLabel("Memory (MiB)").fill("abc");
  await ceForm.getByRole("button", { name: "Create compute environment" }).click();
  // The capacity tag's rule comes back beside the memory field.
  await expect(ceForm.getByText(/Memory \(MiB\) must be a whole number/)).toBeVisible();
  await ceForm.getByLabel("Memory (MiB)").fill("1024");
  await ceForm.getByRole("button", { name: "Create compute environment" }).click();
  await expect(page).toHaveURL(/\/compute-environments$/);
  const ceRow = page.getByRole("table", { name: "Compute environments" }).getByRole("row").filter({ hasText: ce });
  await expect(ceRow).toContainText("ENABLED");
  await expect(ceRow).toContainText("0 / 2");
  await expect(ceRow).toContainText("0 / 1024 MiB");

  await page.goto("/scheduling-policies/new");
  const spForm = page.getByRole("form", { name: "Create scheduling policy" });
  await spForm.getByLabel("Name").fill(policy);
  await spForm.getByLabel("Share decay (seconds)").fill("3600");
  await spForm.getByLabel("Compute reservation (%)").fill("10");
  await spForm.getByRole("button", { name: "Add share" }).click();
  await spForm.getByLabel("Share identifier 1").fill("teamA");
  await spForm.getByLabel("Weight factor 1").fill("0.5");
  await spForm.getByRole("button", { name: "Add share" }).click();
  await spForm.getByLabel("Share identifier 2").fill("team*");
  await spForm.getByRole("button", { name: "Create scheduling policy" }).click();
  // Overlapping identifiers are refused with AWS's rule, shown at the share list.
  await expect(spForm.getByText(/teamA and team\* overlap|team\* and teamA overlap/)).toBeVisible();
  await spForm.getByRole("button", { name: "Remove share 2" }).click();
  await spForm.getByRole("button", { name: "Create scheduling policy" }).click();
  await expect(page).toHaveURL(/\/scheduling-policies$/);
  const spRow = page.getByRole("table", { name: "Scheduling policies" }).getByRole("row").filter({ hasText: policy });
  await expect(spRow).toContainText("3600s");
  await expect(spRow).toContainText("teamA (0.5)");
  await page.screenshot({ path: test.info().outputPath("scheduling-policies.png"), fullPage: true });

  await page.goto("/job-queues/new");
  const qForm = page.getByRole("form", { name: "Create job queue" });
  await qForm.getByLabel("Name").fill(queue);
  await qForm.getByLabel("Priority").fill("10");
  await qForm.getByLabel("Add compute environment").selectOption(ce);
  await qForm.getByRole("button", { name: "Add", exact: true }).click();
  await expect(qForm.getByRole("list", { name: "Environment order" })).toContainText(ce);
  await qForm.getByLabel("Scheduling policy").selectOption({ label: `${policy} (fair share)` });
  await qForm.getByRole("button", { name: "Create job queue" }).click();
  await expect(page).toHaveURL(/\/job-queues$/);
  const qRow = page.getByRole("table", { name: "Job queues" }).getByRole("row").filter({ hasText: queue });
  await expect(qRow).toContainText(ce);
  await expect(qRow).toContainText(policy);
  await expect(page.getByTestId(`count-${queue}-SUCCEEDED`)).toHaveText("0");

  // A job submitted elsewhere shows up in the live counts without reloading the page.
  const def = uniqueName("def");
  // Small enough for the 1024 MiB environment (a definition without resources asks for 2048).
  await seedDefinition(def, { command: ["echo", "hello"] });
  await seedJob({ jobName: "live", jobQueue: queue, jobDefinition: def, shareIdentifier: "teamA" });
  await expect(page.getByTestId(`count-${queue}-SUCCEEDED`)).toHaveText("1", { timeout: 20_000 });
  await page.screenshot({ path: test.info().outputPath("job-queues.png"), fullPage: true });

  await page.getByRole("link", { name: queue, exact: true }).click();
  await expect(page.getByRole("heading", { name: queue })).toBeVisible();
  await expect(page.getByText(`Fair share: ${policy}`)).toBeVisible();
  await expect(page.getByText("No RUNNABLE jobs are waiting in this queue.")).toBeVisible();
  await expect(page.getByTestId(`count-${queue}-SUCCEEDED`)).toHaveText("1");

  // Editing: more memory for the environment (a capacity tag), and a second environment put
  // first in the queue's order.
  await page.goto("/compute-environments");
  // Every environment shares the engine's machine, and the page says what it hands out
  // (scripts/e2e-server.mjs runs the engine with an overcommit of 128).
  await expect(page.getByTestId("engine-machine")).toContainText(/cores? × overcommit 128 = [\d,]+ vCPUs/);
  await page.getByRole("link", { name: `Edit ${ce}` }).click();
  const editCe = page.getByRole("form", { name: `Edit compute environment ${ce}` });
  await expect(editCe.getByLabel("Memory (MiB)")).toHaveValue("1024");
  await editCe.getByLabel("Memory (MiB)").fill("2048");
  await editCe.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/compute-environments$/);
  await expect(ceRow).toContainText("0 / 2048 MiB");
  const spare = uniqueName("spare");
  await seedUnmanagedEnvironment(spare);
  await page.goto(`/job-queues/${queue}/edit`);
  const editQ = page.getByRole("form", { name: `Edit job queue ${queue}` });
  await editQ.getByLabel("Add compute environment").selectOption(spare);
  await editQ.getByRole("button", { name: "Add", exact: true }).click();
  await editQ.getByRole("button", { name: `Move ${spare} up` }).click();
  await expect(editQ.getByRole("list", { name: "Environment order" }).getByRole("listitem").first()).toContainText(
    spare,
  );
  await editQ.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/job-queues/${queue}$`));
  await expect(page.getByRole("listitem").filter({ hasText: spare })).toBeVisible();
  await expect(page.locator("dd ol li").first()).toHaveText(spare);
  await page.screenshot({ path: test.info().outputPath("job-queue.png"), fullPage: true });
  // On a phone the table scrolls inside its card; the page itself does not widen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/job-queues");
  await expect(page.getByRole("table", { name: "Job queues" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("job-queues-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // AWS's rules on delete, shown as the server words them: disable first; a queue's
  // environment cannot go.
  await page.goto("/compute-environments");
  await page.getByRole("button", { name: `Delete ${ce}` }).click();
  await confirmInDialog(page, `Delete ${ce}?`, "Delete");
  await expect(ceRow.getByRole("alert")).toContainText("Update its state to DISABLED first.");
  await page.getByRole("button", { name: `Disable ${ce}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${ce}` })).toBeVisible();
  await expect(ceRow.getByText("DISABLED", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: `Delete ${ce}` }).click();
  await confirmInDialog(page, `Delete ${ce}?`, "Delete");
  await expect(ceRow.getByRole("alert")).toContainText(`is used by job queue(s) ${queue}`);
  await page.screenshot({ path: test.info().outputPath("compute-environments.png"), fullPage: true });
});

test("a developer registers a definition and a second revision, and compares them", async ({ page, browser }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const link = await inviteMember(page, uniqueEmail("dev"), "Developer");
  const dev = await acceptInvitation(browser, link, "Dev", "developer-password-1");
  const name = uniqueName("render");

  await dev.goto("/job-definitions");
  await dev.getByRole("link", { name: "Register job definition" }).click();
  const form = dev.getByRole("form", { name: "Register job definition" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Image").fill("busybox");
  await form.getByLabel("Command").fill("echo\nRef::greeting");
  await form.getByRole("button", { name: "Add parameter" }).click();
  await form.getByLabel("Parameters key 1").fill("greeting");
  await form.getByLabel("Parameters value 1").fill("hello");
  await form.getByLabel("Memory (MiB)").fill("2");
  await form.getByRole("button", { name: "Register revision" }).click();
  // The server's schema error lands beside the field it concerns.
  await expect(form.getByText('MEMORY value "2" must be a whole number of MiB, at least 4.')).toBeVisible();
  await form.getByLabel("Memory (MiB)").fill("2048");

  // The raw JSON follows the form, and an edit there comes back to the form.
  await form.getByRole("tab", { name: "JSON" }).click();
  const json = form.getByLabel("RegisterJobDefinition request (JSON)");
  await expect(json).toHaveValue(/"image": "busybox"/);
  await expect(json).toHaveValue(/"greeting": "hello"/);
  const text = await json.inputValue();
  await json.fill(text.replace('"busybox"', '"busybox:1.36"'));
  await form.getByRole("tab", { name: "Form" }).click();
  await expect(form.getByLabel("Image")).toHaveValue("busybox:1.36");
  await form.getByRole("button", { name: "Register revision" }).click();

  await expect(dev).toHaveURL(new RegExp(`/job-definitions/${name}$`));
  await expect(dev.getByRole("table", { name: "Revisions" })).toContainText("busybox:1.36");
  await dev.getByRole("link", { name: "Register new revision" }).click();
  await expect(dev.getByRole("heading", { name: `New revision of ${name}` })).toBeVisible();
  const second = dev.getByRole("form", { name: "Register job definition" });
  await expect(second.getByLabel("Command")).toHaveValue("echo\nRef::greeting");
  await second.getByLabel("Memory (MiB)").fill("4096");
  await second.getByRole("button", { name: "Register revision" }).click();

  await expect(dev).toHaveURL(new RegExp(`/job-definitions/${name}$`));
  const revisions = dev.getByRole("table", { name: "Revisions" });
  await expect(revisions.getByRole("row")).toHaveCount(3);
  const diff = dev.getByRole("table", { name: `Differences between ${name}:1 and ${name}:2` });
  // The memory change only: the revision number and ARN every new revision has are not compared.
  await expect(diff.locator('tr[data-kind="removed"]')).toHaveCount(1);
  await expect(diff.locator('tr[data-kind="removed"]').filter({ hasText: '"value": "2048"' })).toHaveCount(1);
  await expect(diff.locator('tr[data-kind="added"]').filter({ hasText: '"value": "4096"' })).toHaveCount(1);
  await expect(dev.getByTestId("diff-summary")).toContainText("1 added, 1 removed");
  await dev.screenshot({ path: test.info().outputPath("job-definition.png"), fullPage: true });

  // Deregistering the first revision leaves revision 2 as the latest ACTIVE one.
  await dev.getByRole("button", { name: `Deregister ${name}:1` }).click();
  await confirmInDialog(dev, `Deregister ${name}:1?`, "Deregister");
  await expect(revisions.getByRole("row").filter({ hasText: "INACTIVE" })).toHaveCount(1);
  await dev.goto("/job-definitions");
  const row = dev.getByRole("table", { name: "Job definitions" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(`${name}:2`);
  await expect(row).toContainText("4096");
  await dev.screenshot({ path: test.info().outputPath("job-definitions.png"), fullPage: true });
  await dev.context().close();
});

test("a submitter sees no create buttons, and posting the create-queue action directly is refused", async ({
  page,
  browser,
}) => {
  const ce = uniqueName("ce");
  await seedUnmanagedEnvironment(ce, 1);
  await signIn(page, ADMIN.email, ADMIN.password);
  const link = await inviteMember(page, uniqueEmail("sub"), "Submitter");

  // Capture the exact request the admin's browser sends to create a queue.
  const legit = uniqueName("q");
  await page.goto("/job-queues/new");
  const form = page.getByRole("form", { name: "Create job queue" });
  await form.getByLabel("Name").fill(legit);
  await form.getByLabel("Add compute environment").selectOption(ce);
  await form.getByRole("button", { name: "Add", exact: true }).click();
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
    form.getByRole("button", { name: "Create job queue" }).click(),
  ]);
  await expect(page).toHaveURL(/\/job-queues$/);
  const body = (request.postDataBuffer() ?? Buffer.alloc(0)).toString("utf8");
  expect(body).toContain(legit);

  const submitter = await acceptInvitation(browser, link, "Sub", "submitter-password-1");
  const planted = uniqueName("planted");
  const response = await submitter.request.post("/job-queues/new", {
    headers: {
      "next-action": request.headers()["next-action"] ?? "",
      "content-type": request.headers()["content-type"] ?? "",
      accept: "text/x-component",
      origin: new URL(submitter.url()).origin,
    },
    data: body.replaceAll(legit, planted),
  });
  expect(await response.text()).toContain("FORBIDDEN");

  for (const [path, create] of [
    ["/compute-environments", "Create compute environment"],
    ["/job-queues", "Create job queue"],
    ["/scheduling-policies", "Create scheduling policy"],
    ["/job-definitions", "Register job definition"],
  ] as const) {
    await submitter.goto(path);
    await expect(submitter.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(submitter.getByRole("link", { name: create })).toHaveCount(0);
  }
  // The submitter still sees the queues, without the admin's controls.
  await submitter.goto("/job-queues");
  await expect(submitter.getByRole("link", { name: legit, exact: true })).toBeVisible();
  await expect(submitter.getByRole("button", { name: `Disable ${legit}` })).toHaveCount(0);
  await submitter.context().close();

  await page.goto("/job-queues");
  await expect(page.getByRole("link", { name: legit, exact: true })).toBeVisible();
  await expect(page.getByText(planted)).toHaveCount(0);
});

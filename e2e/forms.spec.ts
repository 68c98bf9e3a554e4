// Forms that keep what was typed and say what is wrong where it is seen (issue 15): the
// invitation sign-up keeps its values after an error and drops the error once edited; the
// submit form's errors are announced in a summary that moves focus to the first field in error,
// in the form's labels rather than the API's field names; a queue created with an environment
// chosen but not added gets it; a job larger than every environment of its queue, and an
// environment larger than the engine's machine, are warned about before anything is submitted.
import { expect, type Page, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, inviteMember, signIn, uniqueEmail } from "./helpers";
import { seedComputeEnvironment, seedDefinition, seedQueue } from "./seed";

test.describe.configure({ mode: "serial" });

const tag = uniqueName("forms").toLowerCase();
const ce = `${tag}-ce`;
const queue = `${tag}-q`;
const definition = `${tag}-def`;
let admin: Page;

test.beforeAll(async ({ browser }) => {
  await seedComputeEnvironment(ce, { maxvCpus: 2, memoryMiB: 1024 });
  await seedQueue(queue, ce);
  await seedDefinition(definition, { image: "busybox", command: ["true"], memoryMiB: 64 });
  admin = await (await browser.newContext()).newPage();
  await signIn(admin, ADMIN.email, ADMIN.password);
});

test("the invitation sign-up keeps what was typed after an error, and the error goes once the field is edited", async ({
  browser,
}) => {
  const link = await inviteMember(admin, uniqueEmail("invitee"), "Submitter");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  const name = page.getByLabel("Your name");
  const password = page.getByLabel("Choose a password");
  await name.fill("Ivy Invitee");
  await password.fill("short");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(password).toHaveAccessibleDescription(/Use at least 8 characters/);
  await expect(name).toHaveValue("Ivy Invitee");
  await expect(password).toHaveValue("short");

  await password.fill("long-enough-password");
  await expect(page.getByText("Use at least 8 characters")).toHaveCount(0);
  await expect(password).not.toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await context.close();
});

test("a submit error beside a field scrolled away is announced, listed by label, and focuses the field", async () => {
  const page = admin;
  await page.goto("/jobs/new");
  const form = page.getByRole("form", { name: "Submit a job" });
  await form.getByLabel("Job name").fill("bad name!");
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(definition);
  const submit = form.getByRole("button", { name: "Submit job" });
  await submit.scrollIntoViewIfNeeded();
  await expect(form.getByLabel("Job name")).not.toBeInViewport();
  await submit.click();

  const summary = form.getByRole("alert");
  await expect(summary).toBeVisible();
  await expect(summary.getByRole("button", { name: "Job name" })).toBeVisible();
  await expect(summary).toContainText("Job name can contain only letters");
  await expect(form.getByLabel("Job name")).toBeFocused();
  await expect(form.getByLabel("Job name")).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath("submit-error-summary.png"), fullPage: true });

  // The next error is in the form's words, not the API's field name, and its summary entry leads to it.
  await form.getByLabel("Job name").fill(`${tag}-job`);
  await form.getByLabel("Attempt timeout (seconds)").fill("30");
  await form.getByLabel("Job name").focus();
  await submit.click();
  const timeout = form.getByLabel("Attempt timeout (seconds)");
  await expect(timeout).toHaveAccessibleDescription(/Attempt timeout \(seconds\) must be an integer at least 60/);
  await expect(timeout).not.toHaveAccessibleDescription(/attemptDurationSeconds/);
  await expect(summary).not.toContainText("attemptDurationSeconds");
  await expect(timeout).toBeFocused();
  await form.getByLabel("Job name").focus();
  await summary.getByRole("button", { name: "Attempt timeout (seconds)" }).click();
  await expect(timeout).toBeFocused();
});

test("a queue created with an environment chosen but not added gets it; with none, the form says so in its words", async () => {
  const page = admin;
  const name = uniqueName("q-chosen");
  await page.goto("/job-queues/new");
  const form = page.getByRole("form", { name: "Create job queue" });
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create job queue" }).click();
  await expect(form.getByText("Add at least one compute environment")).toBeVisible();
  await expect(form).not.toContainText("computeEnvironmentOrder");

  await form.getByLabel("Add compute environment").selectOption(ce);
  await form.getByRole("button", { name: "Create job queue" }).click();
  await expect(page).toHaveURL(/\/job-queues$/);
  const row = page.getByRole("table", { name: "Job queues" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(ce);
});

test("a compute environment's errors name the form's fields, not the API's", async () => {
  const page = admin;
  await page.goto("/compute-environments/new");
  const form = page.getByRole("form", { name: "Create compute environment" });
  await form.getByLabel("Name").fill("bad name");
  await form.getByRole("button", { name: "Create compute environment" }).click();
  await expect(form.getByLabel("Name")).toHaveAccessibleDescription(/^Name can contain only letters/);
  await expect(form).not.toContainText("computeEnvironmentName");
});

test("a job no environment of its queue can hold is warned about before it is submitted", async () => {
  const page = admin;
  await page.goto("/jobs/new");
  const form = page.getByRole("form", { name: "Submit a job" });
  await form.getByLabel("Job queue").selectOption(queue);
  await form.getByLabel("Job definition").selectOption(definition);
  const warning = form.getByText(`No compute environment of queue ${queue} can ever run this job`);
  await expect(warning).toHaveCount(0);
  await form.getByLabel("vCPUs").fill("64");
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("it asks for 64 vCPUs, and the largest has 2 vCPUs");
  await form.getByLabel("vCPUs").fill("");
  await expect(warning).toHaveCount(0);
  await form.getByLabel("Memory (MiB)").fill("999999");
  await expect(warning).toContainText("it asks for 999,999 MiB of memory, and the largest has 1,024 MiB");
  await page.screenshot({ path: test.info().outputPath("submit-never-fits.png"), fullPage: true });
  // A warning, not a refusal: the button still submits.
  await expect(form.getByRole("button", { name: "Submit job" })).toBeEnabled();
});

test("an environment larger than the engine's machine is warned about before it is created", async () => {
  const page = admin;
  await page.goto("/compute-environments/new");
  const form = page.getByRole("form", { name: "Create compute environment" });
  await form.getByLabel("Name").fill(uniqueName("ce-huge"));
  await expect(form.getByText(/is more than the/)).toHaveCount(0);
  await form.getByLabel("Maximum vCPUs").fill("100000");
  await expect(
    form.getByText(/Maximum vCPUs \(100,000\) is more than the [\d,]+ vCPUs the engine's machine/),
  ).toBeVisible();
  await form.getByLabel("Maximum vCPUs").fill("1");
  await form.getByLabel("Memory (MiB)").fill("99999999");
  await expect(
    form.getByText(/Memory \(99,999,999 MiB\) is more than the [\d,]+ MiB of the engine's machine/),
  ).toBeVisible();
  await form.getByLabel("Memory (MiB)").fill("64");
  await expect(form.getByText(/is more than the/)).toHaveCount(0);
});

// The console of an organization on the AWS backend: a fresh organization is pointed at this
// server's own /v1 (signed with the first admin's key, so its "AWS" is the Default
// organization's built-in engine). Its pages show what AWS reports and say plainly what AWS
// cannot tell: memory in use, the jobs depending on a job, finished-job figures. With the
// endpoint unreachable, a page says so with AWS's words and a retry instead of a bare error.
import { expect, type Page, test } from "@playwright/test";
import { ADMIN_KEY, endpoint, uniqueName } from "./api";
import { signUpWithOrganization } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, terminateJob, waitForStatus } from "./seed";

async function saveAwsBackend(page: Page, batchEndpoint: string) {
  await page.goto("/settings/backend");
  const form = page.getByRole("form", { name: "Backend settings" });
  await form.getByRole("radio", { name: /AWS Batch/ }).check();
  await form.getByLabel("Region").fill("us-east-1");
  await form.getByLabel("Credentials").selectOption({ label: "Access key pair" });
  await form.getByLabel("Access key ID").fill(ADMIN_KEY.accessKeyId);
  await form.getByLabel(/Secret access key/).fill(ADMIN_KEY.secretAccessKey);
  await form.getByLabel("AWS Batch endpoint").fill(batchEndpoint);
  await form.getByLabel("CloudWatch Logs endpoint").fill(endpoint());
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("Saved. This organization now runs on AWS Batch in us-east-1.")).toBeVisible();
}

test("an AWS-backed organization's pages show AWS's figures and say what AWS cannot tell", async ({ page }) => {
  test.setTimeout(55_000);
  await signUpWithOrganization(page, `AWS Console ${Date.now().toString(36)}`, "aws-console");
  await saveAwsBackend(page, endpoint());

  // Seed in the "AWS account" (the Default organization): a running job and one waiting on it.
  const ce = uniqueName("awsc-ce");
  const queue = uniqueName("awsc-q");
  const definition = uniqueName("awsc-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce }, { maxvCpus: 2, desiredvCpus: 1 });
  await seedDefinition(definition, { command: ["sh", "-c", "echo started; sleep 30"], memoryMiB: 64 });
  const blocker = await seedJob({ jobName: "blocker", jobQueue: queue, jobDefinition: definition });
  const waiter = await seedJob({
    jobName: "waiter",
    jobQueue: queue,
    jobDefinition: definition,
    dependsOn: [{ jobId: blocker }],
  });
  await waitForStatus(blocker, "RUNNING");

  try {
    // Capacity: AWS's desired vCPUs of the maximum; memory in use is not reported.
    await page.goto("/compute-environments");
    const ceRow = page.getByRole("row").filter({ hasText: ce });
    await expect(ceRow.getByText("desired by AWS, of max")).toBeVisible();
    await expect(ceRow.getByText("1 / 2")).toBeVisible();
    await expect(ceRow.getByText("not reported by this backend").first()).toBeAttached();
    await page.screenshot({ path: test.info().outputPath("aws-compute-environments.png"), fullPage: true });

    // Queue counts from AWS's ListJobs.
    await page.goto(`/job-queues/${queue}`);
    await expect(page.getByTestId(`count-${queue}-RUNNING`)).toHaveText("1");
    await expect(page.getByTestId(`count-${queue}-PENDING`)).toHaveText("1");

    // The waiting job: why it waits, from AWS's answers.
    await page.goto(`/jobs/${waiter}`);
    const why = page.getByTestId("why-not-running");
    await expect(why.locator('[data-reason="DEPENDENCY"]')).toContainText("blocker");
    await page.screenshot({ path: test.info().outputPath("aws-job-waiting.png"), fullPage: true });
    // The running job: who depends on it is something AWS cannot say; the waiter was submitted
    // to AWS directly, not through this organization, so the page names none and says why.
    await page.goto(`/jobs/${blocker}`);
    await expect(page.getByTestId("dependents-partial")).toContainText(
      "AWS Batch has no call that lists the jobs depending on a job",
    );
    await expect(page.getByText("no job submitted through Batchdeck depends on it")).toBeVisible();

    // The live log through CloudWatch Logs' GetLogEvents.
    await page.goto(`/jobs/${blocker}/logs`);
    await expect(page.getByTestId("log-lines")).toContainText("started");

    // The dashboard charts what the engine sampled from "AWS" (every second under e2e), and
    // says which figures AWS organizations do not have.
    await page.goto("/dashboard?range=15m");
    await expect(page.getByTestId("metrics-partial")).toContainText("Finished jobs, run times and failing definitions");
    await expect(page.getByText(/At most [1-9]\d* running jobs at once/)).toBeAttached({ timeout: 15_000 });
    await expect(page.getByText(/At most [1-9]\d* pending jobs at once/)).toBeAttached();
    await expect(page.getByRole("heading", { name: "Jobs finished per interval" })).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("aws-dashboard.png"), fullPage: true });

    // An unreachable endpoint: the page says so in words, with a retry, not a bare error.
    await saveAwsBackend(page, "http://127.0.0.1:9");
    await page.goto("/job-queues");
    await expect(page.getByRole("heading", { name: "The batch backend could not be reached" })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByTestId("backend-problem")).toContainText("127.0.0.1:9");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("aws-unreachable.png"), fullPage: true });
    // Back to the built-in engine, so the engine stops sampling an unreachable endpoint.
    await page.goto("/settings/backend");
    const form = page.getByRole("form", { name: "Backend settings" });
    await form.getByRole("radio", { name: /Built-in engine/ }).check();
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByText("Saved. This organization now runs on the built-in engine.")).toBeVisible();
  } finally {
    for (const jobId of [waiter, blocker]) await terminateJob(jobId, "e2e done");
  }
});

test("an AWS-backed organization creates a Fargate compute environment from AWS Batch's own fields", async ({
  page,
}) => {
  await signUpWithOrganization(page, `AWS CE ${Date.now().toString(36)}`, "aws-ce");
  await saveAwsBackend(page, endpoint());
  const name = uniqueName("awsc-fargate");

  await page.goto("/compute-environments/new");
  const form = page.getByRole("form", { name: "Create compute environment" });
  await expect(page.getByTestId("aws-ids-note")).toContainText("cannot list subnets, security groups");
  // EC2 first: the instance fields are offered, with suggestions for the instance types.
  await expect(form.getByLabel("Instance types")).toHaveValue("optimal");
  await expect(form.getByLabel("Allocation strategy")).toBeVisible();
  await form.getByLabel("Name").fill(name);
  await page.screenshot({ path: test.info().outputPath("aws-create-ec2-form.png"), fullPage: true });
  await form.getByLabel("Provisioning model").selectOption("FARGATE");
  // Fargate takes none of the EC2 fields, so the form does not offer them.
  for (const label of ["Minimum vCPUs", "Desired vCPUs", "Instance types", "Instance role", "Launch template"]) {
    await expect(form.getByLabel(label, { exact: true })).toHaveCount(0);
  }
  await form.getByLabel("Maximum vCPUs").fill("lots");
  await form.getByLabel("Subnets").fill("subnet-0aaa, subnet-0bbb");
  await form.getByLabel("Security groups").fill("sg-0111");
  await form.getByRole("button", { name: "Create compute environment" }).click();
  // The request reached the server's CreateComputeEnvironment; its refusal is told in the form's words.
  await expect(form.getByText("Maximum vCPUs must be an integer at least 0.")).toBeVisible();
  await form.getByLabel("Maximum vCPUs").fill("16");

  // The JSON tab shows the request the form builds, and submits it as written.
  await form.getByRole("tab", { name: "JSON" }).click();
  const json = form.getByLabel("CreateComputeEnvironment request (JSON)");
  const request = JSON.parse(await json.inputValue());
  expect(request).toEqual({
    computeEnvironmentName: name,
    type: "MANAGED",
    state: "ENABLED",
    computeResources: {
      type: "FARGATE",
      maxvCpus: 16,
      subnets: ["subnet-0aaa", "subnet-0bbb"],
      securityGroupIds: ["sg-0111"],
    },
  });
  await page.screenshot({ path: test.info().outputPath("aws-create-fargate.png"), fullPage: true });
  await form.getByRole("button", { name: "Create compute environment" }).click();

  await expect(page).toHaveURL(/\/compute-environments$/);
  await expect(page.getByRole("row").filter({ hasText: name })).toBeVisible();
});

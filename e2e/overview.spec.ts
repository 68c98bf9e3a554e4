// The Overview (issue 15): a new organization's Overview is a getting-started checklist
// (environment → queue → definition → job), each step ticked once done and leading to the form
// that does it, and telling a role that may not take a step who can; once work exists it turns
// into live counts per queue and capacity in use per environment. The test signs up an
// organization of its own (the hosted projects share one organization across the suite) and
// seeds it through /v1 with an access key of that organization.
import {
  type BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from "@aws-sdk/client-batch";
import { expect, type Page, test } from "@playwright/test";
import { batchClient, uniqueName } from "./api";
import { acceptInvitation, inviteMember, signUpWithOrganization, uniqueEmail } from "./helpers";

const STEPS = ["computeEnvironment", "jobQueue", "jobDefinition", "job"] as const;

/** Which steps the checklist shows ticked, in order. */
async function expectDone(page: Page, done: number) {
  await expect(page.getByRole("region", { name: "Getting started" })).toContainText(`${done} of 4 done`);
  for (const [i, key] of STEPS.entries()) {
    await expect(page.getByTestId(`step-${key}`)).toHaveAttribute("data-done", String(i < done));
  }
}

/** An access key of the signed-in owner's organization, made on Settings → Access keys. */
async function organizationClient(page: Page): Promise<BatchClient> {
  await page.goto("/settings/access-keys");
  const create = page.getByRole("form", { name: "Create an access key" });
  await create.getByLabel("Description").fill("overview spec");
  await create.getByRole("button", { name: /Create/ }).click();
  const secret = page.getByTestId("new-secret-access-key");
  await expect(secret).toBeVisible();
  return batchClient({
    accessKeyId: ((await page.getByTestId("new-access-key-id").textContent()) ?? "").trim(),
    secretAccessKey: ((await secret.textContent()) ?? "").trim(),
  });
}

test("a new organization's Overview is a checklist that ticks its steps, then live counts", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await signUpWithOrganization(page, `Overview ${Date.now().toString(36)}`, "overview");
  const checklist = page.getByRole("region", { name: "Getting started" });
  await expectDone(page, 0);
  await expect(page.getByRole("table", { name: "Jobs by queue" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("overview-new.png"), fullPage: true });
  // Each step leads to the form that does it.
  for (const [name, path] of [
    ["Create a compute environment", "/compute-environments/new"],
    ["Create a job queue", "/job-queues/new"],
    ["Register a job definition", "/job-definitions/new"],
    ["Submit a job", "/jobs/new"],
  ] as const) {
    await expect(checklist.getByRole("link", { name, exact: true })).toHaveAttribute("href", path);
  }
  await checklist.getByRole("link", { name: "Create a compute environment", exact: true }).click();
  await expect(page).toHaveURL(/\/compute-environments\/new$/);
  await expect(page.getByRole("form", { name: "Create compute environment" })).toBeVisible();

  // A submitter of the organization is not sent to forms it may not use: it is told who can.
  const sub = await acceptInvitation(
    browser,
    await inviteMember(page, uniqueEmail("overview-sub"), "Submitter"),
    "Overview submitter",
    "overview-submitter-password-1",
  );
  await sub.goto("/");
  const subList = sub.getByRole("region", { name: "Getting started" });
  await expect(subList.getByRole("link", { name: "Create a compute environment" })).toHaveCount(0);
  await expect(subList.getByRole("link", { name: "Register a job definition" })).toHaveCount(0);
  await expect(subList).toContainText("An admin creates compute environments; ask one.");
  await expect(subList).toContainText("An admin creates job queues; ask one.");
  await expect(subList).toContainText("An admin or a developer creates job definitions; ask one.");
  await expect(subList.getByRole("link", { name: "Submit a job", exact: true })).toBeVisible();
  await sub.screenshot({ path: test.info().outputPath("overview-submitter.png"), fullPage: true });
  await sub.context().close();

  // Each step done is ticked.
  const client = await organizationClient(page);
  const ce = uniqueName("ov-ce").toLowerCase();
  const queue = uniqueName("ov-q").toLowerCase();
  const definition = uniqueName("ov-def").toLowerCase();
  await client.send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: ce,
      type: "MANAGED",
      computeResources: { type: "EC2", maxvCpus: 2, subnets: [], instanceRole: "local" },
      tags: { "batchdeck:memoryMiB": "1024" },
    }),
  );
  await page.goto("/");
  await expectDone(page, 1);
  await client.send(
    new CreateJobQueueCommand({
      jobQueueName: queue,
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce }],
    }),
  );
  await page.reload();
  await expectDone(page, 2);
  await client.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: definition,
      type: "container",
      containerProperties: {
        image: "local",
        command: ["sh", "-c", "sleep 8"],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "64" },
        ],
      },
    }),
  );
  await page.reload();
  await expectDone(page, 3);
  await expect(checklist.getByRole("link", { name: "Submit a job", exact: true })).toBeVisible();

  // Once a job exists the checklist gives way to live counts, which follow the job without a reload.
  const { jobId } = await client.send(
    new SubmitJobCommand({ jobName: "first", jobQueue: queue, jobDefinition: definition }),
  );
  await page.reload();
  await expect(checklist).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Jobs by queue" })).toBeVisible();
  await expect(page.getByTestId(`overview-${queue}-RUNNING`)).toHaveText("1", { timeout: 20_000 });
  await expect(page.getByTestId(`overview-vcpus-${ce}`)).toContainText("1 / 2");
  await page.screenshot({ path: test.info().outputPath("overview-live.png"), fullPage: true });
  await expect(page.getByTestId(`overview-${queue}-SUCCEEDED`)).toHaveText("1", { timeout: 30_000 });
  await expect(page.getByTestId(`overview-${queue}-RUNNING`)).toHaveText("0");
  await expect(page.getByTestId(`overview-vcpus-${ce}`)).toContainText("0 / 2");
  const job = (await client.send(new DescribeJobsCommand({ jobs: [jobId ?? ""] }))).jobs?.[0];
  expect(job?.jobId).toBe(jobId);
});

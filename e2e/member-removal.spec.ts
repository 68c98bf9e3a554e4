// Removing a member ends their access at once (issue 6, proof 6), including what they already
// have open: a live log stream of a running job, open and delivering when the admin clicks,
// closes while the job still runs and without `end` (closed by the removal, not by the job's
// end or the stream's own five-minute limit; how long after the click is printed), reconnecting
// is refused, and their next page load goes to sign-in. The job is seeded through the signed
// /v1 API (e2e/api.ts); the pages under test are the members page and the stream.
import {
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from "@aws-sdk/client-batch";
import { expect, test } from "@playwright/test";
import { batchClient, endpoint, uniqueName } from "./api";
import { ADMIN, acceptInvitation, inviteMember, signIn, uniqueEmail } from "./helpers";

test("a removed member's open log stream closes and their session ends", async ({ page, browser }) => {
  test.setTimeout(50_000);
  const batch = batchClient();
  const ce = uniqueName("removal-ce");
  const queue = uniqueName("removal-q");
  const definition = uniqueName("removal-def");
  await batch.send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: ce,
      type: "MANAGED",
      computeResources: { type: "EC2", maxvCpus: 2, subnets: [], instanceRole: "local" },
    }),
  );
  await batch.send(
    new CreateJobQueueCommand({
      jobQueueName: queue,
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce }],
    }),
  );
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: definition,
      type: "container",
      containerProperties: {
        image: "local",
        // Runs until the spec terminates it: the stream can only end by the removal.
        command: ["sh", "-c", "echo started; sleep 300; echo done"],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "64" },
        ],
      },
    }),
  );
  const { jobId } = await batch.send(
    new SubmitJobCommand({ jobName: "watched", jobQueue: queue, jobDefinition: definition }),
  );
  const status = async () =>
    (await batch.send(new DescribeJobsCommand({ jobs: [jobId as string] }))).jobs?.[0]?.status ?? "";

  // The admin invites a developer, who signs in and opens the job's live log.
  await signIn(page, ADMIN.email, ADMIN.password);
  const email = uniqueEmail("removed");
  const link = await inviteMember(page, email, "Developer");
  const member = await acceptInvitation(browser, link, "Soon Gone", "removed-member-password");
  await expect.poll(status, { timeout: 15_000, intervals: [100] }).toBe("RUNNING");
  await member.goto(`/jobs/${jobId}/logs`);
  await expect(member.getByTestId("log-lines")).toContainText("started");

  // A stream opened by the member's session, read as it arrives.
  const cookie = (await member.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const response = await fetch(new URL(`/api/jobs/${jobId}/logs/stream`, endpoint()), { headers: { cookie } });
  expect(response.status).toBe(200);
  let body = "";
  let endedAt = 0;
  const reading = (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      body += decoder.decode(r.value, { stream: true });
    endedAt = Date.now();
  })();
  // Open and delivering before the removal.
  await expect.poll(() => body, { timeout: 15_000 }).toContain("started");

  await page.goto("/settings/members");
  page.once("dialog", (dialog) => dialog.accept());
  const removedAt = Date.now();
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  await expect(page.getByText(email)).toHaveCount(0);

  await reading;
  // Closed by the removal, while the job still runs: not by its end, nor by a failed read.
  expect(await status()).toBe("RUNNING");
  expect(body).not.toContain("event: end");
  expect(body).not.toContain("event: failure");
  console.log(`stream closed ${endedAt - removedAt} ms after the removal`);

  // Reconnecting is refused, and the next page load asks them to sign in.
  expect([401, 403]).toContain((await member.request.get(`/api/jobs/${jobId}/logs/stream`)).status());
  await member.goto(`/jobs/${jobId}/logs`);
  await expect(member).toHaveURL(/\/login/);
  await member.screenshot({ path: test.info().outputPath("removed-member-signed-out.png"), fullPage: true });
  await member.context().close();

  await batch.send(new TerminateJobCommand({ jobId: jobId as string, reason: "spec done" }));
});

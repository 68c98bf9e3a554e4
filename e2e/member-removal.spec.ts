// Removing a member ends their access at once (issue 6, proof 6), including what they already
// have open: a live log stream of a running job, open and delivering when the admin clicks,
// closes while the job still runs and without `end` (closed by the removal, not by the job's
// end or the stream's own five-minute limit; how long after the click is printed), reconnecting
// is refused, and their next page load goes to sign-in. The job is seeded through the signed
// /v1 API (e2e/seed.ts); the pages under test are the members page and the stream.
import { expect, test } from "@playwright/test";
import { endpoint, uniqueName } from "./api";
import { ADMIN, acceptInvitation, confirmInDialog, inviteMember, signIn, uniqueEmail } from "./helpers";
import { jobStatus, seedDefinition, seedJob, seedQueueWithEnvironment, terminateJob, waitForStatus } from "./seed";

test("a removed member's open log stream closes and their session ends", async ({ page, browser }) => {
  test.setTimeout(50_000);
  const ce = uniqueName("removal-ce");
  const queue = uniqueName("removal-q");
  const definition = uniqueName("removal-def");
  await seedQueueWithEnvironment({ queue, computeEnvironment: ce });
  // Runs until the spec terminates it: the stream can only end by the removal.
  await seedDefinition(definition, { command: ["sh", "-c", "echo started; sleep 300; echo done"], memoryMiB: 64 });
  const jobId = await seedJob({ jobName: "watched", jobQueue: queue, jobDefinition: definition });

  // The admin invites a developer, who signs in and opens the job's live log.
  await signIn(page, ADMIN.email, ADMIN.password);
  const email = uniqueEmail("removed");
  const link = await inviteMember(page, email, "Developer");
  const member = await acceptInvitation(browser, link, "Soon Gone", "removed-member-password");
  await waitForStatus(jobId, "RUNNING");
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
  await page.getByRole("button", { name: `Remove ${email}` }).click();
  const removedAt = Date.now();
  await confirmInDialog(page, `Remove ${email} from this organization?`, "Remove");
  await expect(page.getByText(email)).toHaveCount(0);

  await reading;
  // Closed by the removal, while the job still runs: not by its end, nor by a failed read.
  expect(await jobStatus(jobId)).toBe("RUNNING");
  expect(body).not.toContain("event: end");
  expect(body).not.toContain("event: failure");
  console.log(`stream closed ${endedAt - removedAt} ms after the removal`);

  // Reconnecting is refused, and the next page load asks them to sign in.
  expect([401, 403]).toContain((await member.request.get(`/api/jobs/${jobId}/logs/stream`)).status());
  await member.goto(`/jobs/${jobId}/logs`);
  await expect(member).toHaveURL(/\/login/);
  await member.screenshot({ path: test.info().outputPath("removed-member-signed-out.png"), fullPage: true });
  await member.context().close();

  await terminateJob(jobId, "spec done");
});

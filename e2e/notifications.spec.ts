import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, type Page, test } from "@playwright/test";
import { uniqueName } from "./api";
import { ADMIN, confirmInDialog, signIn } from "./helpers";
import { seedDefinition, seedJob, seedQueueWithEnvironment, waitForStatus } from "./seed";

// A webhook receiver of the spec's own on loopback: the server's engine posts to it. Hosted
// servers refuse loopback endpoints (as they must), so the spec runs on the laptop-mode server.
interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}
const received: Received[] = [];
let server: Server;
let hookUrl = "";

test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/batch-events`;
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** The events received so far whose body passes `match`, with the signature checked against `secret`. */
function eventsWhere(secret: string, match: (event: Record<string, unknown>) => boolean) {
  return received
    .map((r) => ({ ...r, event: JSON.parse(r.body) as Record<string, unknown> }))
    .filter((r) => match(r.event))
    .map((r) => {
      const timestamp = String(r.headers["x-batchdeck-timestamp"]);
      const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest("hex")}`;
      return { event: r.event, signed: r.headers["x-batchdeck-signature"] === expected };
    });
}

const detailOf = (event: Record<string, unknown>) => (event.detail ?? {}) as Record<string, unknown>;

/** The delivery log's row for one event, once it reads DELIVERED (the page refreshes itself while any is pending). */
async function expectDelivered(page: Page, eventId: string) {
  const row = page.getByRole("table", { name: "Deliveries" }).locator(`tr[data-event-id="${eventId}"]`);
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(row).toContainText("DELIVERED", { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  return row;
}

test("an admin sends job state changes to a webhook, signed, and follows them in the delivery log", async ({
  page,
}) => {
  test.skip(test.info().project.name !== "chromium", "hosted servers refuse loopback webhook endpoints");
  test.setTimeout(150_000);
  const queue = uniqueName("nq");
  const okDef = uniqueName("nok");
  const failDef = uniqueName("nfail");
  const endpoint = uniqueName("hook");
  const rule = uniqueName("done");
  await seedQueueWithEnvironment({ queue, computeEnvironment: uniqueName("nce") }, { memoryMiB: 1024 });
  await seedDefinition(okDef, { command: ["echo", "fine"] });
  await seedDefinition(failDef, { command: ["sh", "-c", "exit 3"] });
  await signIn(page, ADMIN.email, ADMIN.password);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expect(page.getByText("within about a second of the change")).toBeVisible();

  // The endpoint: its signing secret is shown once, with how to check a signature.
  const endpointForm = page.getByRole("form", { name: "Create webhook endpoint" });
  await endpointForm.getByLabel("Name", { exact: true }).fill(endpoint);
  await endpointForm.getByLabel("Endpoint URL", { exact: true }).fill(hookUrl);
  await endpointForm.getByRole("button", { name: "Create endpoint" }).click();
  await expect(endpointForm.getByLabel("Name", { exact: true })).toHaveValue("");
  const secretBox = page.getByTestId("signing-secret");
  await expect(secretBox).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  const secret = (await secretBox.textContent()) ?? "";
  // The snippet shows the signed text: the timestamp header, a dot, the raw body.
  const snippet = page.getByText('createHmac("sha256", secret).update(`$');
  await expect(snippet).toBeVisible();
  await expect(snippet).toContainText('req.headers["x-batchdeck-timestamp"]');
  const endpointRow = page
    .getByRole("table", { name: "Webhook endpoints" })
    .getByRole("row")
    .filter({ hasText: endpoint });
  await expect(endpointRow).toContainText(hookUrl);
  await expect(endpointRow).toContainText("ACTIVE");
  await page.reload();
  await expect(endpointRow).toContainText("ACTIVE");
  await expect(page.getByTestId("signing-secret")).toHaveCount(0);

  // The rule: the builder writes the pattern into the editor, the editor is what is saved.
  const ruleForm = page.getByRole("form", { name: "Create rule" });
  await ruleForm.getByLabel("Rule name", { exact: true }).fill(rule);
  await ruleForm.getByLabel("Job queues", { exact: true }).selectOption({ label: queue });
  await ruleForm.getByRole("checkbox", { name: "SUCCEEDED" }).check();
  await ruleForm.getByRole("checkbox", { name: "FAILED" }).check();
  const pattern = ruleForm.getByLabel("Event pattern", { exact: true });
  await expect(pattern).toHaveValue(new RegExp(`"jobQueue": \\[\\s*"arn:aws:batch:[^"]+:job-queue/${queue}"\\s*\\]`));
  const queueArn = (JSON.parse(await pattern.inputValue()) as { detail: { jobQueue: string[] } }).detail.jobQueue[0];
  expect(JSON.parse(await pattern.inputValue())).toEqual({
    source: ["aws.batch"],
    "detail-type": ["Batch Job State Change"],
    detail: { jobQueue: [queueArn], status: ["SUCCEEDED", "FAILED"] },
  });
  await ruleForm.getByRole("radio", { name: "Send it to a webhook endpoint" }).check();
  await ruleForm.getByLabel("Webhook endpoint", { exact: true }).selectOption({ label: endpoint });
  await ruleForm.getByRole("button", { name: "Create rule" }).click();
  await expect(ruleForm.getByLabel("Rule name", { exact: true })).toHaveValue("");
  const ruleRow = page.getByRole("table", { name: "Rules" }).getByRole("row").filter({ hasText: rule });
  await expect(ruleRow).toContainText("ENABLED");
  await expect(ruleRow).toContainText(`Webhook ${endpoint}`);
  await expect(ruleRow).toContainText('"SUCCEEDED"');
  await expect(endpointRow).toContainText(rule);

  // Two jobs of the queue, one that succeeds and one that fails: one signed event each.
  const okJob = await seedJob({ jobName: "fine", jobQueue: queue, jobDefinition: okDef });
  const failJob = await seedJob({ jobName: "broken", jobQueue: queue, jobDefinition: failDef });
  await waitForStatus(okJob, "SUCCEEDED", { timeout: 60_000 });
  await waitForStatus(failJob, "FAILED", { timeout: 60_000 });
  const ofJobs = (event: Record<string, unknown>) => [okJob, failJob].includes(String(detailOf(event).jobId));
  await expect.poll(() => eventsWhere(secret, ofJobs).length, { timeout: 15_000 }).toBe(2);
  const events = eventsWhere(secret, ofJobs);
  expect(events.every((e) => e.signed)).toBe(true);
  expect(events.map((e) => [detailOf(e.event).jobId, detailOf(e.event).status]).sort()).toEqual(
    [
      [okJob, "SUCCEEDED"],
      [failJob, "FAILED"],
    ].sort(),
  );
  for (const { event } of events) {
    expect(event["detail-type"]).toBe("Batch Job State Change");
    expect(detailOf(event).jobQueue).toBe(queueArn);
  }

  // Each is DELIVERED in the log, with its one attempt answered 200.
  for (const { event } of events) {
    const row = await expectDelivered(page, String(event.id));
    await expect(row).toContainText(rule);
    await expect(row).toContainText(endpoint);
    await expect(row).toContainText("HTTP 200");
    await row.getByRole("button", { name: "1 attempt" }).click();
    await expect(page.getByRole("table", { name: `Attempts of delivery ${event.id}` })).toContainText("200");
  }

  // "Send test event": a made-up FAILED job's event, signed with the same secret.
  await page.getByRole("button", { name: `Send test event to ${endpoint}` }).click();
  await expect(endpointRow.getByRole("status")).toContainText(/Test event test-[0-9a-f-]+ queued/);
  const isTest = (event: Record<string, unknown>) => String(event.id).startsWith("test-");
  await expect.poll(() => eventsWhere(secret, isTest).length, { timeout: 15_000 }).toBe(1);
  const [test1] = eventsWhere(secret, isTest);
  expect(test1?.signed).toBe(true);
  expect(detailOf(test1?.event ?? {})).toMatchObject({ status: "FAILED", jobId: expect.stringMatching(/^test-/) });
  const testRow = await expectDelivered(page, String(test1?.event.id));
  await expect(testRow).toContainText("Test event");

  // Rotating the secret shows the new one once; deliveries are signed with it from then on.
  await page.getByRole("button", { name: `Rotate secret of ${endpoint}` }).click();
  await page
    .getByRole("dialog", { name: `Rotate the signing secret of ${endpoint}?` })
    .getByRole("button", { name: "Rotate secret" })
    .click();
  const secretDialog = page.getByRole("dialog", { name: `New signing secret of ${endpoint}` });
  const rotatedBox = secretDialog.getByTestId("signing-secret");
  await expect(rotatedBox).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  const rotated = (await rotatedBox.textContent()) ?? "";
  expect(rotated).not.toBe(secret);
  await page.screenshot({ path: test.info().outputPath("rotated.png") });
  await secretDialog.getByRole("button", { name: "Done" }).click();
  await expect(secretDialog).toHaveCount(0);
  await page.getByRole("button", { name: `Send test event to ${endpoint}` }).click();
  await expect.poll(() => eventsWhere(rotated, isTest).filter((e) => e.signed).length, { timeout: 15_000 }).toBe(1);
  await page.screenshot({ path: test.info().outputPath("notifications.png"), fullPage: true });

  // Disable, then delete the rule (its target first), then the endpoint.
  await page.getByRole("button", { name: `Disable rule ${rule}` }).click();
  await expect(ruleRow).toContainText("DISABLED");
  await page.getByRole("button", { name: `Delete rule ${rule}` }).click();
  await confirmInDialog(page, `Delete rule ${rule}?`, "Delete");
  await expect(ruleRow).toHaveCount(0);
  await page.getByRole("button", { name: `Delete ${endpoint}` }).click();
  await confirmInDialog(page, `Delete ${endpoint}?`, "Delete");
  await expect(endpointRow).toHaveCount(0);
});

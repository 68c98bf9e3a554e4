// Job state change events and schedules for an organization on the AWS backend, pointed through
// its endpoint override at a Batchdeck /v1 that plays AWS (organization "remote" on the built-in
// engine, as in aws-backend.test.ts): the observer lists the jobs over the wire, routes a changed
// job's event to the local organization's webhook, and a schedule submits through AWS.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsJobObserver } from "@/engine/aws-job-observer";
import { Deliveries, EventRouter } from "@/engine/event-router";
import { ScheduleClock } from "@/engine/schedule-clock";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { API_OPERATIONS } from "@/lib/api/operations";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { backendFireDeps } from "@/lib/automation/fire-deps";
import { createSchedule, getSchedule } from "@/lib/automation/schedules";
import { verifyWebhookSignature } from "@/lib/automation/webhook";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { seedWebhookRule } from "../helpers/automation-fixtures";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const SECRET = "aws-org-webhook-secret";
const quiet = () => {};

describe.each(PROVIDERS)("automation for an organization on the AWS backend, on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let hook: Server;
  let hookUrl: string;
  const received: { body: string; timestamp: number; signature: string }[] = [];
  let remote: OrgContext;
  let local: OrgContext;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const r = await createOrgWithAdmin(t.db, "Remote");
    remote = contextFor(t.db, r.organizationId, r.admin, "admin");
    await seedQueue(t.db, r.organizationId, { name: "q" });
    await seedDefinition(t.db, r.organizationId, { name: "d" });
    const key = await createAccessKey(remote, { description: "played AWS" });
    const l = await createOrgWithAdmin(t.db, "Local");
    local = contextFor(t.db, l.organizationId, l.admin, "admin");
    await saveBackendSettings(
      local,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        batchEndpoint: server.endpoint,
      }),
    );
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        received.push({
          body,
          timestamp: Number(req.headers["x-batchdeck-timestamp"]),
          signature: String(req.headers["x-batchdeck-signature"]),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    hook?.closeAllConnections();
    hook?.close();
    await server?.close();
    await t?.close();
  });

  const localWebhookRule = () =>
    seedWebhookRule(t.db, local.organizationId, {
      url: hookUrl,
      secret: SECRET,
      pattern: { source: ["aws.batch"], detail: { status: ["SUCCEEDED"] } },
      name: "done",
    });

  it("observes an AWS job's change and delivers its event; the first observation only records", async () => {
    await localWebhookRule();
    const submit = (name: string) =>
      executeOperation(API_OPERATIONS.SubmitJob!, local, {
        jobName: name,
        jobQueue: "q",
        jobDefinition: "d",
      }) as Promise<{
        jobId: string;
      }>;
    const before = await submit("before");
    const router = new EventRouter(t.db, backendFireDeps(t.db), quiet);
    const observer = new AwsJobObserver(t.db, router, quiet);
    expect(await observer.tick(Date.now())).toBe(0);
    // AWS runs the jobs: the remote organization's rows move.
    const after = await submit("after");
    await forceStatus(t.db, [before.jobId, after.jobId], "SUCCEEDED");
    expect(await observer.tick(Date.now())).toBe(2);
    // Nothing changed since: nothing more.
    expect(await observer.tick(Date.now())).toBe(0);
    await new Deliveries(t.db, { hosted: false, log: quiet }).tick(Date.now());
    expect(received).toHaveLength(2);
    for (const r of received) expect(verifyWebhookSignature(SECRET, r.timestamp, r.body, r.signature)).toBe(true);
    const events = received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.detail.jobName).sort()).toEqual(["after", "before"]);
    expect(events[0]).toMatchObject({ source: "aws.batch", "detail-type": "Batch Job State Change" });
    expect(events.every((e) => e.detail.status === "SUCCEEDED")).toBe(true);
    // The remote organization has no rule: its own rows produced no events to route.
    expect(await t.db.eventDelivery.count({ where: { organizationId: remote.organizationId } })).toBe(0);
  });

  it("fires a schedule through the AWS backend", async () => {
    const created = Date.now();
    await createSchedule(
      local,
      {
        name: "hourly",
        expression: "rate(1 hour)",
        target: { jobName: "from-schedule", jobQueue: "q", jobDefinition: "d" },
      },
      created,
    );
    const [fire] = await new ScheduleClock(backendFireDeps(t.db)).tick(created + 3600_000);
    expect(fire).toMatchObject({ status: "SUBMITTED" });
    const jobId = (fire as { jobId: string }).jobId;
    // The job is in "AWS" (the remote organization), not in the local one.
    const job = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.organizationId).toBe(remote.organizationId);
    expect(job.name).toBe("from-schedule");
    expect((await getSchedule(local, { name: "hourly" })).lastFire).toMatchObject({ status: "SUBMITTED", jobId });
  });
});

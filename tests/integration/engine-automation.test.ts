// Automation inside running engines: a leader killed with SIGKILL in the middle of a webhook
// delivery leaves it for its successor, which delivers it again (at least once, same delivery
// id); a schedule's due slot is fired by the leader once, and its successor does not fire it
// again. Real engine processes, a real receiver on loopback, both databases.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { SCHEDULE_TAG } from "@/lib/automation/schedule-fire";
import { createSchedule } from "@/lib/automation/schedules";
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "@/lib/automation/webhook";
import { newId } from "@/lib/ids";
import { seedWebhookRule } from "../helpers/automation-fixtures";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  spawnEngineProcess,
  startTestEngine,
  stopEngineProcess,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

// The engine processes seal and open with the same key as this test process, as the web server
// and the engine of an installation do.
process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const SECRET = "engine-automation-secret";

describe.each(PROVIDERS)("automation in running engines on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let killed: ChildProcess | null = null;
  let successor: EngineHandle | null = null;
  let hook: Server;
  const received: { delivery: string; valid: boolean; jobId: string }[] = [];
  const held: ServerResponse[] = [];
  /** The job whose first delivery is never answered. */
  let heldJob = "";

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-engine-automation-"));
    world = await seedEngineWorld(t.db, { maxVcpus: 2 });
    // The first request is never answered: the engine that sent it is killed while it waits.
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        received.push({
          delivery: String(req.headers[DELIVERY_HEADER]),
          valid: verifyWebhookSignature(
            SECRET,
            Number(req.headers[TIMESTAMP_HEADER]),
            body,
            String(req.headers[SIGNATURE_HEADER]),
          ),
          jobId: (JSON.parse(body) as { detail: { jobId: string } }).detail.jobId,
        });
        // Only the first delivery of the held job waits forever.
        const last = received[received.length - 1]!;
        if (last.jobId === heldJob && received.filter((r) => r.jobId === heldJob).length === 1) held.push(res);
        else res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    await stopEngineProcess(killed);
    await successor?.stop();
    hook.closeAllConnections();
    hook.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const webhookRule = (url: string) =>
    seedWebhookRule(t.db, world.organizationId, {
      url,
      secret: SECRET,
      pattern: { detail: { status: ["SUCCEEDED"] } },
      name: "succeeded",
    });

  it("delivers an event again after the leader is killed mid-delivery, and fires a due slot once", async () => {
    await webhookRule(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId, role: "admin" },
      include: { user: true },
    });
    const ctx = contextFor(t.db, world.organizationId, admin.user, "admin");
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const definition = await t.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } });
    // Created five minutes and a second ago with a five-minute rate: its first slot is due, the
    // next one far enough away not to come during the test.
    await createSchedule(
      ctx,
      {
        name: "every-five",
        expression: "rate(5 minutes)",
        target: {
          jobName: "scheduled",
          jobQueue: queue.name,
          jobDefinition: definition.name,
          containerOverrides: { command: ["true"] },
        },
      },
      Date.now() - 301_000,
    );
    const schedule = await t.db.schedule.findFirstOrThrow({ where: { name: "every-five" } });

    killed = spawnEngineProcess(t.url, dataDir, `automation-${newId().slice(0, 6)}`);
    const [jobId] = await insertJobs(t.db, world, [{ command: ["true"] }]);
    heldJob = jobId!;
    expect((await waitForTerminal(t.db, jobId!, 60_000)).status).toBe("SUCCEEDED");
    await waitFor("the first delivery to reach the receiver", async () => held.length > 0 || null, 30_000);
    const fired = await waitFor(
      "the schedule's due slot to be fired",
      async () =>
        (await t.db.scheduleFire.findFirst({ where: { scheduleId: schedule.id, status: "SUBMITTED" } })) ?? null,
      30_000,
    );
    // The scheduled job ends under this leader too (killed while it ran, it would be retried).
    expect((await waitForTerminal(t.db, fired.jobId!, 60_000)).status).toBe("SUCCEEDED");
    killed.kill("SIGKILL");
    await new Promise((r) => killed!.once("exit", r));
    const deliveryOf = async () => (await t.db.eventDelivery.findMany()).find((d) => d.body.includes(jobId!)) ?? null;
    const pending = (await deliveryOf())!;
    expect(pending.status).toBe("PENDING");

    successor = await startTestEngine(t, provider, dataDir, { leaseTtlMs: 800 });
    await waitFor(
      "the successor to deliver it",
      async () => ((await deliveryOf())?.status === "DELIVERED" ? true : null),
      30_000,
    );
    // The scheduled job's own SUCCEEDED is delivered too, by one engine or the other.
    await waitFor(
      "the scheduled job's event",
      async () => received.some((r) => r.jobId === fired.jobId) || null,
      30_000,
    );

    const forJob = received.filter((r) => r.jobId === jobId);
    expect(forJob).toHaveLength(2);
    expect(forJob[0]!.delivery).toBe(pending.id);
    expect(forJob[1]!.delivery).toBe(pending.id);
    expect(received.every((r) => r.valid)).toBe(true);
    // The slot the killed leader fired is not fired again by its successor.
    const fires = await t.db.scheduleFire.findMany({ where: { scheduleId: schedule.id } });
    expect(fires.map((f) => f.slot)).toEqual([fired.slot]);
    const scheduledJobs = (await t.db.job.findMany({ where: { organizationId: world.organizationId } })).filter(
      (j) => (JSON.parse(j.tags) as Record<string, string>)[SCHEDULE_TAG] === schedule.arn,
    );
    expect(scheduledJobs).toHaveLength(1);
  });
});

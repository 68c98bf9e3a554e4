// A job's log read through the AWS backend: CloudWatch Logs GetLogEvents, following forward
// tokens, against a Batchdeck whose engine really ran the job. The stream name comes from the
// job as the AWS backend describes it, as the logs page will take it.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { OrgContext } from "@/lib/auth/context";
import { backendFor } from "@/lib/backends";
import { getLogEvents } from "@/lib/backends/aws/logs";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { resumeToken } from "@/lib/logs/sse";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld, startTestEngine, waitForTerminal } from "../helpers/engine-fixtures";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

// Spaced out so the engine stores several chunks, and a page of two events cannot hold them all.
const SCRIPT = "for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done";

describe.each(PROVIDERS)("the AWS backend's logs on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let dataDir: string;
  let local: OrgContext;
  let jobId: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-aws-logs-"));
    server = await startApiServer({ db: t.db });
    const world = await seedEngineWorld(t.db);
    [jobId] = (await insertJobs(t.db, world, [{ command: ["sh", "-c", SCRIPT] }])) as [string];
    const engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 20, sampleMs: 1_000 });
    try {
      expect((await waitForTerminal(t.db, jobId)).status).toBe("SUCCEEDED");
    } finally {
      await engine.stop();
    }
    const owner = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId, role: "admin" },
      include: { user: true },
    });
    const key = await createAccessKey(contextFor(t.db, world.organizationId, owner.user, "admin"), {});
    const l = await createOrgWithAdmin(t.db, "Local");
    local = contextFor(t.db, l.organizationId, l.admin, "admin");
    await saveBackendSettings(
      local,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        batchEndpoint: server.endpoint,
        logsEndpoint: server.endpoint,
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads the whole stream by following forward tokens until AWS hands the same one back", async () => {
    const backend = await backendFor(local);
    const { jobs } = await backend.describeJobs(local, { jobs: [jobId] });
    expect(jobs[0]?.status).toBe("SUCCEEDED");
    const logStreamName = jobs[0]?.attempts[0]?.container.logStreamName ?? "";
    expect(logStreamName).toMatch(/\/default\//);

    const messages: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await getLogEvents(local, { logStreamName, limit: 2, ...(nextToken ? { nextToken } : {}) });
      messages.push(...page.events.map((e) => e.message));
      pages++;
      if (page.atEnd) break;
      expect(page.nextForwardToken).not.toBeNull();
      nextToken = page.nextForwardToken ?? undefined;
      expect(pages).toBeLessThan(20);
    }
    expect(messages.map((m) => m.trimEnd())).toEqual(["line1", "line2", "line3", "line4", "line5"]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it("serves the console's log reader: attempts, growing sequence numbers, tokens to resume by, the end", async () => {
    const backend = await backendFor(local);
    const lines: string[] = [];
    const seqs: number[] = [];
    const tokens: string[] = [];
    let nextToken: string | undefined;
    let complete = false;
    for (let pages = 0; !complete; pages++) {
      expect(pages).toBeLessThan(20);
      const page = await backend.getLogEvents(local, { jobId, limit: 2, ...(nextToken ? { nextToken } : {}) });
      expect(page.attempt).toBe(1);
      expect(page.attempts).toEqual([1]);
      lines.push(...page.events.map((e) => e.message));
      seqs.push(...page.events.map((e) => e.seq));
      expect(page.events.every((e) => e.stream === "stdout")).toBe(true);
      // The live stream resumes by this token (Last-Event-ID), so it must pass its check.
      expect(resumeToken(page.nextForwardToken, undefined)).toBe(page.nextForwardToken);
      tokens.push(page.nextForwardToken);
      nextToken = page.nextForwardToken;
      complete = page.complete;
      if (!page.caughtUp) expect(page.complete).toBe(false);
    }
    expect(lines).toEqual(["line1", "line2", "line3", "line4", "line5"]);
    expect(seqs).toEqual([0, 1, 2, 3, 4]);

    // Resuming from the first page's token reads on from line 3 with the same numbers.
    const resumed = await backend.getLogEvents(local, { jobId, limit: 10, nextToken: tokens[0] });
    expect(resumed.events.map((e) => [e.seq, e.message])).toEqual([
      [2, "line3"],
      [3, "line4"],
      [4, "line5"],
    ]);
    // CloudWatch says it is at the end only by handing the same token back, one read later.
    expect(resumed.complete).toBe(false);
    const end = await backend.getLogEvents(local, { jobId, limit: 10, nextToken: resumed.nextForwardToken });
    expect(end).toMatchObject({ events: [], caughtUp: true, complete: true });

    // AWS does not tell STDERR apart; an attempt that does not exist reads empty; a forged token is refused.
    expect((await backend.getLogEvents(local, { jobId, stream: "stderr" })).events).toEqual([]);
    const none = await backend.getLogEvents(local, { jobId, attempt: 2 });
    expect(none).toMatchObject({ events: [], attempt: 2, attempts: [1], caughtUp: true, complete: true });
    const forged = await backend.getLogEvents(local, { jobId, nextToken: "a.bm9wZQ" }).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    expect(forged).toBe("INVALID_INPUT");
    const missing = await backend.getLogEvents(local, { jobId: "no-such-job" }).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    expect(missing).toBe("NOT_FOUND");
  });

  it("carries the organization's own CloudWatch Logs API calls to AWS", async () => {
    const backend = await backendFor(local);
    const { jobs } = await backend.describeJobs(local, { jobs: [jobId] });
    const logStreamName = jobs[0]?.attempts[0]?.container.logStreamName ?? "";
    const key = await createAccessKey(local, { description: "local logs" });
    const out = await server
      .logs(key)
      .send(new GetLogEventsCommand({ logGroupName: "/aws/batch/job", logStreamName, startFromHead: true }));
    expect(out.events?.map((e) => e.message?.trimEnd())).toContain("line1");
    // The job and its log belong to the remote organization; the local one has no jobs at all.
    expect(await t.db.job.count({ where: { organizationId: local.organizationId } })).toBe(0);
  });

  it("says so when the stream does not exist", async () => {
    const error = await getLogEvents(local, { logStreamName: "d/default/nope" }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("NOT_FOUND");
  });
});

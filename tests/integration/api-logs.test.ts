// CloudWatch Logs compatibility: a real job run by the engine, its output read back with the
// real @aws-sdk/client-cloudwatch-logs the way AWS documents tailing a Batch job's log.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeJobsCommand } from "@aws-sdk/client-batch";
import {
  type CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  type OutputLogEvent,
} from "@aws-sdk/client-cloudwatch-logs";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { createLogsHandler } from "@/lib/api/logs-handler";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld, startTestEngine, waitForTerminal } from "../helpers/engine-fixtures";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const GROUP = "/aws/batch/job";
const SCRIPT = "for i in 1 2 3 4 5 6; do echo out$i; sleep 0.15; done; echo oops >&2; sleep 0.05; echo last";
const EXPECTED_STDOUT = ["out1", "out2", "out3", "out4", "out5", "out6", "last"];

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { name: string } | null;
  if (!error) throw new Error("expected a refusal");
  return error.name;
}

describe.each(PROVIDERS)("CloudWatch Logs GetLogEvents / DescribeLogStreams on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let dataDir: string;
  let logs: CloudWatchLogsClient;
  let stream: string;
  let credentials: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-logs-"));
    server = await startApiServer({ db: t.db });
    const world = await seedEngineWorld(t.db);
    const [jobId] = await insertJobs(t.db, world, [{ command: ["sh", "-c", SCRIPT] }]);
    const engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 20, sampleMs: 1_000 });
    try {
      expect((await waitForTerminal(t.db, jobId as string)).status).toBe("SUCCEEDED");
    } finally {
      await engine.stop();
    }
    const membership = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId, role: "admin" },
      include: { user: true },
    });
    const key = await createAccessKey(contextFor(t.db, world.organizationId, membership.user, "admin"), {});
    credentials = key;
    logs = server.logs(key);
    const described = await server.batch(key).send(new DescribeJobsCommand({ jobs: [jobId as string] }));
    stream = described.jobs?.[0]?.container?.logStreamName ?? "";
    expect(stream).toMatch(/\/default\//);
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads the whole stream from the head, page by page, until the token stops changing", async () => {
    const events: OutputLogEvent[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: stream,
          startFromHead: true,
          limit: 2,
          nextToken: token,
        }),
      );
      pages += 1;
      events.push(...(page.events ?? []));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
      if (pages > 50) throw new Error("pagination does not end");
    }
    expect(pages).toBeGreaterThan(2);
    const messages = events.map((e) => e.message);
    expect(messages.filter((m) => m !== "oops")).toEqual(EXPECTED_STDOUT);
    expect(messages).toContain("oops");
    // STDERR is interleaved in time order, as the awslogs driver does.
    expect(messages.indexOf("oops")).toBeGreaterThan(messages.indexOf("out6"));
    for (const e of events) expect(typeof e.timestamp).toBe("number");
    const times = events.map((e) => e.timestamp ?? 0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // Tailing: asking again with the last token returns nothing and the same token.
    const again = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, nextToken: token }),
    );
    expect(again.events).toEqual([]);
    expect(again.nextForwardToken).toBe(token);
  });

  it("returns the most recent events by default and walks backwards", async () => {
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 1 }));
    expect(tail.events?.map((e) => e.message)).toEqual(["last"]);
    const before = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: stream,
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    const messages = before.events?.map((e) => e.message) ?? [];
    expect(messages).toHaveLength(2);
    expect(messages).not.toContain("last");
    expect(messages).toContain("out6");
  });

  it("filters by time", async () => {
    const all = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }),
    );
    const lastTime = all.events?.at(-1)?.timestamp ?? 0;
    const late = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, startTime: lastTime }),
    );
    expect(late.events?.every((e) => (e.timestamp ?? 0) >= lastTime)).toBe(true);
    expect(late.events?.map((e) => e.message)).toContain("last");
    expect(late.events?.map((e) => e.message)).not.toContain("out1");
  });

  it("describes the stream", async () => {
    const prefix = stream.split("/")[0] as string;
    const described = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: prefix }),
    );
    const found = described.logStreams?.find((s) => s.logStreamName === stream);
    expect(found?.firstEventTimestamp).toBeTypeOf("number");
    expect(found?.lastEventTimestamp ?? 0).toBeGreaterThanOrEqual(found?.firstEventTimestamp ?? 0);
  });

  it("answers unknown streams and groups with ResourceNotFoundException, bad tokens with InvalidParameterException", async () => {
    expect(
      await refusal(logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: "d/default/nope" }))),
    ).toBe("ResourceNotFoundException");
    expect(await refusal(logs.send(new GetLogEventsCommand({ logGroupName: "/other", logStreamName: stream })))).toBe(
      "ResourceNotFoundException",
    );
    expect(
      await refusal(
        logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, nextToken: "garbage" })),
      ),
    ).toBe("InvalidParameterException");
  });

  it("verifies a request as Next's rewrite delivers it: /aws-logs, internal Host, original in X-Forwarded-Host", async () => {
    const body = JSON.stringify({ logGroupName: GROUP, logStreamName: stream, startFromHead: true });
    const signer = new SignatureV4({
      credentials,
      region: "us-east-1",
      service: "logs",
      sha256: Hash.bind(null, "sha256"),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: "batch.example.test",
        path: "/",
        headers: {
          host: "batch.example.test",
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "Logs_20140328.GetLogEvents",
        },
        body,
      }),
    );
    const headers = new Headers(signed.headers as Record<string, string>);
    headers.set("host", "localhost:3000");
    headers.set("x-forwarded-host", "batch.example.test");
    const handler = createLogsHandler({ db: t.db });
    const res = await handler(new Request("http://localhost:3000/aws-logs", { method: "POST", headers, body }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { events: { message: string }[] }).events.map((e) => e.message)).toContain("last");

    // Without the forwarded host the Host no longer matches what was signed.
    headers.delete("x-forwarded-host");
    const refused = await handler(new Request("http://localhost:3000/aws-logs", { method: "POST", headers, body }));
    expect(refused.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException");
  });

  it("never shows one organization's logs to another", async () => {
    const other = await createOrgWithAdmin(t.db, "Elsewhere");
    const key = await createAccessKey(contextFor(t.db, other.organizationId, other.admin, "admin"), {});
    const outsider = server.logs(key);
    expect(await refusal(outsider.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream })))).toBe(
      "ResourceNotFoundException",
    );
    const streams = await outsider.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    expect(streams.logStreams).toEqual([]);
  });
});

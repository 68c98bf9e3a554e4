// Amazon EventBridge's JSON 1.1 API over the wire (rules, targets, connections, API
// destinations), signed with SigV4 for "events" as `aws events --endpoint-url` signs it, on both
// databases: AWS's shapes and error names, roles, tenant isolation and the audit trail.
import { randomBytes } from "node:crypto";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { Role } from "@/lib/auth/permissions";
import {
  checkInvocationEndpoint,
  connectionSecretContext,
  listApiDestinationsForConsole,
  rotateApiDestinationSecret,
  signingSecretContext,
} from "@/lib/automation/event-destinations";
import { listRulesWithTargets } from "@/lib/automation/event-rules";
import { decryptSecret } from "@/lib/secrets";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { seedQueue } from "../helpers/job-fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field.
type Json = Record<string, any>;

const PATTERN = JSON.stringify({ source: ["aws.batch"], "detail-type": ["Batch Job State Change"] });
const FAILED_PATTERN = JSON.stringify({ source: ["aws.batch"], detail: { status: ["FAILED"] } });

describe.each(PROVIDERS)("EventBridge API on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let org: {
    organizationId: string;
    accountId: string;
    admin: Credentials;
    submitter: Credentials;
    developer: Credentials;
  };
  let other: { organizationId: string; accountId: string; admin: Credentials };

  /** One call as the AWS CLI makes it: POST / with X-Amz-Target, signed for "events". */
  async function call(creds: Credentials, operation: string, input: unknown, raw?: string) {
    const url = new URL(server.endpoint);
    const body = raw ?? JSON.stringify(input);
    const signer = new SignatureV4({
      credentials: creds,
      region: "us-east-1",
      service: "events",
      sha256: Hash.bind(null, "sha256"),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/",
        headers: {
          host: url.host,
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": `AWSEvents.${operation}`,
        },
        body,
      }),
    );
    const headers = new Headers(signed.headers as Record<string, string>);
    headers.delete("host"); // fetch sets the same one itself
    const res = await fetch(`${server.endpoint}/`, { method: "POST", headers, body });
    const json = (await res.json()) as Json;
    return { status: res.status, type: res.headers.get("x-amzn-errortype"), body: json, res };
  }

  /** The answer of a call that must succeed. */
  async function ok(creds: Credentials, operation: string, input: unknown): Promise<Json> {
    const r = await call(creds, operation, input);
    if (r.status !== 200) throw new Error(`${operation}: ${r.status} ${r.type} ${r.body.message}`);
    return r.body;
  }

  /** The error type and message of a call that must fail. */
  async function refused(creds: Credentials, operation: string, input: unknown) {
    const r = await call(creds, operation, input);
    expect(r.status, `${operation} should fail`).not.toBe(200);
    expect(r.body.__type).toBe(r.type);
    return { type: r.type, message: r.body.message as string, status: r.status };
  }

  async function newOrg(name: string) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const keyFor = async (role: Role) => {
      const user =
        role === "admin" ? admin : await createUser(t.db, `${role}-${organizationId.slice(0, 8)}@example.com`);
      if (role !== "admin") await addMembership(t.db, organizationId, user.id, role);
      const key = await createAccessKey(contextFor(t.db, organizationId, user, role), {});
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    };
    return { organizationId, accountId, keyFor, admin };
  }

  const auditActions = async (organizationId: string) =>
    (await t.db.auditEvent.findMany({ where: { organizationId }, orderBy: { createdAt: "asc" } })).map((a) => ({
      action: a.action,
      targetId: a.targetId,
      source: a.source,
    }));

  async function destination(creds: Credentials, name: string) {
    const connection = await ok(creds, "CreateConnection", {
      Name: `${name}-conn`,
      AuthorizationType: "API_KEY",
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key", ApiKeyValue: "k-123" } },
    });
    return ok(creds, "CreateApiDestination", {
      Name: name,
      ConnectionArn: connection.ConnectionArn,
      InvocationEndpoint: "https://hooks.example.com/batch",
      HttpMethod: "POST",
    });
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const a = await newOrg("Acme");
    org = {
      organizationId: a.organizationId,
      accountId: a.accountId,
      admin: await a.keyFor("admin"),
      submitter: await a.keyFor("submitter"),
      developer: await a.keyFor("developer"),
    };
    await seedQueue(t.db, a.organizationId, { name: "nightly" });
    const b = await newOrg("Globex");
    other = { organizationId: b.organizationId, accountId: b.accountId, admin: await b.keyFor("admin") };
    await seedQueue(t.db, b.organizationId, { name: "theirs" });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("puts, describes, lists, disables, enables and deletes rules with EventBridge's shapes", async () => {
    const { admin, accountId } = org;
    const put = await call(admin, "PutRule", { Name: "job-events", EventPattern: PATTERN, Description: "all jobs" });
    expect(put.status).toBe(200);
    expect(put.res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    const arn = `arn:aws:events:us-east-1:${accountId}:rule/job-events`;
    expect(put.body).toEqual({ RuleArn: arn });
    expect(await ok(admin, "DescribeRule", { Name: "job-events" })).toEqual({
      Name: "job-events",
      Arn: arn,
      EventPattern: PATTERN,
      State: "ENABLED",
      Description: "all jobs",
      EventBusName: "default",
      CreatedBy: accountId,
    });

    // PutRule again replaces: same ARN, omitted Description is not kept.
    expect(await ok(admin, "PutRule", { Name: "job-events", EventPattern: FAILED_PATTERN, State: "DISABLED" })).toEqual(
      { RuleArn: arn },
    );
    const replaced = await ok(admin, "DescribeRule", { Name: "job-events", EventBusName: "default" });
    expect(replaced).toMatchObject({ EventPattern: FAILED_PATTERN, State: "DISABLED" });
    expect(replaced.Description).toBeUndefined();

    await ok(admin, "EnableRule", { Name: "job-events" });
    expect((await ok(admin, "DescribeRule", { Name: "job-events" })).State).toBe("ENABLED");
    expect(await ok(admin, "DisableRule", { Name: "job-events" })).toEqual({});
    expect((await ok(admin, "DescribeRule", { Name: "job-events" })).State).toBe("DISABLED");
    expect(await refused(admin, "EnableRule", { Name: "nope" })).toMatchObject({ type: "ResourceNotFoundException" });

    // Listing: by name, paged, with a case-sensitive prefix.
    for (const name of ["list-a", "list-b", "list-c", "List-d"])
      await ok(admin, "PutRule", { Name: name, EventPattern: PATTERN });
    const first = await ok(admin, "ListRules", { NamePrefix: "list-", Limit: 2 });
    expect(first.Rules.map((r: Json) => r.Name)).toEqual(["list-a", "list-b"]);
    expect(first.Rules[0]).toEqual({
      Name: "list-a",
      Arn: `arn:aws:events:us-east-1:${accountId}:rule/list-a`,
      EventPattern: PATTERN,
      State: "ENABLED",
      EventBusName: "default",
    });
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await ok(admin, "ListRules", { NamePrefix: "list-", Limit: 2, NextToken: first.NextToken });
    expect(second.Rules.map((r: Json) => r.Name)).toEqual(["list-c"]);
    expect(second.NextToken).toBeUndefined();
    // "_" is a name character, not a LIKE wildcard.
    for (const name of ["under_score", "underXscore"])
      await ok(admin, "PutRule", { Name: name, EventPattern: PATTERN });
    expect((await ok(admin, "ListRules", { NamePrefix: "under_" })).Rules.map((r: Json) => r.Name)).toEqual([
      "under_score",
    ]);
    const all = (await ok(admin, "ListRules", {})).Rules.map((r: Json) => r.Name);
    expect(all).toEqual(expect.arrayContaining(["job-events", "list-a", "List-d"]));

    await ok(admin, "DeleteRule", { Name: "list-a" });
    expect(await refused(admin, "DescribeRule", { Name: "list-a" })).toEqual({
      type: "ResourceNotFoundException",
      status: 400,
      message: "Rule list-a does not exist on EventBus default.",
    });
    // As on AWS, deleting what is not there succeeds.
    expect(await ok(admin, "DeleteRule", { Name: "list-a" })).toEqual({});
  });

  it("refuses what EventBridge or Batchdeck cannot take, with ValidationException and kin", async () => {
    const { admin } = org;
    const badPattern = await refused(admin, "PutRule", { Name: "bad", EventPattern: '{"source": "aws.batch"}' });
    expect(badPattern.type).toBe("InvalidEventPatternException");
    expect(badPattern.status).toBe(400);
    expect(badPattern.message).toMatch(/^Event pattern is not valid/);
    expect((await refused(admin, "PutRule", { Name: "bad", EventPattern: "{not json" })).type).toBe(
      "InvalidEventPatternException",
    );
    expect(await refused(admin, "PutRule", { Name: "bad", ScheduleExpression: "rate(5 minutes)" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("EventBridge Scheduler"),
    });
    expect(await refused(admin, "PutRule", { Name: "bad" })).toMatchObject({
      type: "ValidationException",
      message: "Parameter EventPattern must be specified.",
    });
    expect(await refused(admin, "PutRule", { Name: "has space", EventPattern: PATTERN })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("Name can contain only"),
    });
    expect(await refused(admin, "PutRule", { EventPattern: PATTERN })).toMatchObject({
      type: "ValidationException",
      message: "Name is required.",
    });
    expect(await refused(admin, "PutRule", { Name: "bad", EventPattern: PATTERN, State: "ON" })).toMatchObject({
      type: "ValidationException",
      message: "State must be ENABLED or DISABLED.",
    });
    expect(
      await refused(admin, "PutRule", { Name: "bad", EventPattern: PATTERN, EventBusName: "orders" }),
    ).toMatchObject({
      type: "ResourceNotFoundException",
      message: expect.stringContaining("Event bus orders does not exist"),
    });
    expect(await refused(admin, "ListRules", { Limit: 0 })).toMatchObject({ type: "ValidationException" });
    expect(await refused(admin, "ListRules", { NextToken: "!!" })).toMatchObject({ type: "ValidationException" });
    expect(await refused(admin, "ListTargetsByRule", { Rule: 5 })).toMatchObject({
      type: "ValidationException",
      message: "Rule must be a string.",
    });

    const raw = await call(admin, "PutRule", null, "{not json");
    expect([raw.status, raw.type]).toEqual([400, "ValidationException"]);
    const unknown = await call(admin, "PutEvents", {});
    expect([unknown.status, unknown.type]).toEqual([400, "UnknownOperationException"]);
    const proto = await call(admin, "constructor", {});
    expect(proto.type).toBe("UnknownOperationException");
    // Nothing of that was stored.
    expect(await t.db.eventRule.count({ where: { organizationId: org.organizationId, name: "bad" } })).toBe(0);
  });

  it("creates connections and API destinations; the signing secret is shown once and sealed", async () => {
    const { admin, accountId, organizationId } = org;
    const conn = await ok(admin, "CreateConnection", {
      Name: "hooks",
      Description: "our webhook receiver",
      AuthorizationType: "API_KEY",
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key", ApiKeyValue: "s3cr3t" } },
    });
    expect(conn).toEqual({
      ConnectionArn: expect.stringMatching(
        new RegExp(`^arn:aws:events:us-east-1:${accountId}:connection/hooks/[0-9a-f-]{36}$`),
      ),
      ConnectionState: "AUTHORIZED",
      CreationTime: expect.any(Number),
      LastModifiedTime: expect.any(Number),
    });
    // JSON 1.1 timestamps are epoch seconds.
    expect(Math.abs(conn.CreationTime - Date.now() / 1000)).toBeLessThan(60);
    const row = await t.db.eventConnection.findUniqueOrThrow({ where: { arn: conn.ConnectionArn } });
    expect(row.authHeaderName).toBe("X-Api-Key");
    expect(row.authHeaderSealed).not.toContain("s3cr3t");
    expect(decryptSecret(row.authHeaderSealed ?? "", { context: connectionSecretContext(row.id) })).toBe("s3cr3t");
    expect(() => decryptSecret(row.authHeaderSealed ?? "", { context: "event-connection:other" })).toThrow();

    const described = await ok(admin, "DescribeConnection", { Name: "hooks" });
    expect(described).toMatchObject({
      ConnectionArn: conn.ConnectionArn,
      Name: "hooks",
      Description: "our webhook receiver",
      ConnectionState: "AUTHORIZED",
      AuthorizationType: "API_KEY",
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key" } },
    });
    expect(JSON.stringify(described)).not.toContain("s3cr3t");

    const basic = await ok(admin, "CreateConnection", {
      Name: "basic",
      AuthorizationType: "BASIC",
      AuthParameters: { BasicAuthParameters: { Username: "bot", Password: "pw" } },
    });
    const basicRow = await t.db.eventConnection.findUniqueOrThrow({ where: { arn: basic.ConnectionArn } });
    expect(basicRow.authHeaderName).toBe("Authorization");
    expect(decryptSecret(basicRow.authHeaderSealed ?? "", { context: connectionSecretContext(basicRow.id) })).toBe(
      `Basic ${Buffer.from("bot:pw").toString("base64")}`,
    );
    expect((await ok(admin, "DescribeConnection", { Name: "basic" })).AuthParameters).toEqual({
      BasicAuthParameters: { Username: "bot" },
    });
    expect((await ok(admin, "ListConnections", { NamePrefix: "b" })).Connections).toEqual([
      expect.objectContaining({ Name: "basic", ConnectionArn: basic.ConnectionArn, AuthorizationType: "BASIC" }),
    ]);

    expect(
      (
        await refused(admin, "CreateConnection", {
          Name: "hooks",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "a", Password: "b" } },
        })
      ).type,
    ).toBe("ResourceAlreadyExistsException");
    expect(
      await refused(admin, "CreateConnection", {
        Name: "oauth",
        AuthorizationType: "OAUTH_CLIENT_CREDENTIALS",
        AuthParameters: { OAuthParameters: { ClientParameters: { ClientID: "x" } } },
      }),
    ).toMatchObject({ type: "ValidationException", message: expect.stringContaining("not supported by Batchdeck") });
    expect(
      (await refused(admin, "CreateConnection", { Name: "k", AuthorizationType: "API_KEY", AuthParameters: {} })).type,
    ).toBe("ValidationException");
    expect(
      (
        await refused(admin, "CreateConnection", {
          Name: "k",
          AuthorizationType: "API_KEY",
          AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "Host", ApiKeyValue: "x" } },
        })
      ).type,
    ).toBe("ValidationException");

    const created = await ok(admin, "CreateApiDestination", {
      Name: "receiver",
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: "https://hooks.example.com/batch",
      HttpMethod: "POST",
      InvocationRateLimitPerSecond: 10,
    });
    expect(created).toEqual({
      ApiDestinationArn: expect.stringMatching(
        new RegExp(`^arn:aws:events:us-east-1:${accountId}:api-destination/receiver/[0-9a-f-]{36}$`),
      ),
      ApiDestinationState: "ACTIVE",
      CreationTime: expect.any(Number),
      LastModifiedTime: expect.any(Number),
      SigningSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const destRow = await t.db.apiDestination.findUniqueOrThrow({ where: { arn: created.ApiDestinationArn } });
    expect(decryptSecret(destRow.signingSecretSealed, { context: signingSecretContext(destRow.id) })).toBe(
      created.SigningSecret,
    );
    const describedDest = await ok(admin, "DescribeApiDestination", { Name: "receiver" });
    expect(describedDest).toEqual({
      ApiDestinationArn: created.ApiDestinationArn,
      Name: "receiver",
      ApiDestinationState: "ACTIVE",
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: "https://hooks.example.com/batch",
      HttpMethod: "POST",
      CreationTime: created.CreationTime,
      LastModifiedTime: created.LastModifiedTime,
    });
    const listed = await ok(admin, "ListApiDestinations", { ConnectionArn: conn.ConnectionArn });
    expect(listed.ApiDestinations).toEqual([describedDest]);
    expect(JSON.stringify(listed)).not.toContain(created.SigningSecret);

    const badDest = (input: Json) =>
      refused(admin, "CreateApiDestination", {
        Name: "bad",
        ConnectionArn: conn.ConnectionArn,
        InvocationEndpoint: "https://hooks.example.com/",
        HttpMethod: "POST",
        ...input,
      });
    expect(await badDest({ HttpMethod: "GET" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("deliveries are JSON POSTs"),
    });
    expect((await badDest({ InvocationEndpoint: "ftp://example.com/" })).type).toBe("ValidationException");
    expect((await badDest({ InvocationEndpoint: "not a url" })).type).toBe("ValidationException");
    expect((await badDest({ HttpMethod: undefined })).message).toBe("HttpMethod is required.");
    expect(await badDest({ ConnectionArn: `arn:aws:events:us-east-1:${accountId}:connection/nope/x` })).toMatchObject({
      type: "ResourceNotFoundException",
    });
    expect((await badDest({ Name: "receiver" })).type).toBe("ResourceAlreadyExistsException");
    expect(await t.db.apiDestination.count({ where: { organizationId, name: "bad" } })).toBe(0);

    // The console's rotation: a new secret, sealed for the same row; the old one no longer opens it.
    const ctx = contextFor(t.db, organizationId, { id: "u", email: "a@example.com" }, "admin");
    const rotated = await rotateApiDestinationSecret(ctx, "receiver");
    expect(rotated).not.toBe(created.SigningSecret);
    const after = await t.db.apiDestination.findUniqueOrThrow({ where: { id: destRow.id } });
    expect(decryptSecret(after.signingSecretSealed, { context: signingSecretContext(destRow.id) })).toBe(rotated);

    // A connection an API destination uses stays.
    expect(await refused(admin, "DeleteConnection", { Name: "hooks" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("receiver"),
    });
    await ok(admin, "DeleteApiDestination", { Name: "receiver" });
    expect((await refused(admin, "DescribeApiDestination", { Name: "receiver" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect(await ok(admin, "DeleteConnection", { Name: "hooks" })).toMatchObject({
      ConnectionArn: conn.ConnectionArn,
      ConnectionState: "DELETING",
    });
    expect((await refused(admin, "DescribeConnection", { Name: "hooks" })).type).toBe("ResourceNotFoundException");
  });

  it("checks invocation endpoints early: https, and in hosted mode no private address literals", () => {
    expect(() => checkInvocationEndpoint("http://127.0.0.1:8080/hook", false)).not.toThrow();
    expect(() => checkInvocationEndpoint("https://hooks.example.com/", true)).not.toThrow();
    expect(() => checkInvocationEndpoint("https://93.184.216.34/", true)).not.toThrow();
    for (const url of [
      "http://hooks.example.com/",
      "https://127.0.0.1/",
      "https://10.1.2.3/",
      "https://169.254.169.254/latest",
      "https://[::1]/",
      "https://[::ffff:192.168.0.1]/",
      "https://localhost:8443/",
      "https://user:pw@hooks.example.com/",
    ]) {
      expect(() => checkInvocationEndpoint(url, true), url).toThrow(/InvocationEndpoint/);
    }
  });

  it("puts, lists and removes targets: webhooks and job queues, failed entries for foreign ARNs", async () => {
    const { admin, accountId } = org;
    const dest = await destination(admin, "ops-hook");
    const queueArn = `arn:aws:batch:us-east-1:${accountId}:job-queue/nightly`;
    await ok(admin, "PutRule", { Name: "failures", EventPattern: FAILED_PATTERN });

    const put = await ok(admin, "PutTargets", {
      Rule: "failures",
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn },
        {
          Id: "retry",
          Arn: queueArn,
          Input: '{"parameters":{"reason":"failure"}}',
          BatchParameters: {
            JobDefinition: "cleanup",
            JobName: "cleanup-after-failure",
            ArrayProperties: { Size: 3 },
            RetryStrategy: { Attempts: 2 },
          },
        },
      ],
    });
    expect(put).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    expect(await ok(admin, "ListTargetsByRule", { Rule: "failures" })).toEqual({
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn },
        {
          Id: "retry",
          Arn: queueArn,
          Input: '{"parameters":{"reason":"failure"}}',
          BatchParameters: {
            JobDefinition: "cleanup",
            JobName: "cleanup-after-failure",
            ArrayProperties: { Size: 3 },
            RetryStrategy: { Attempts: 2 },
          },
        },
      ],
    });
    const rows = await t.db.eventTarget.findMany({
      where: { organizationId: org.organizationId },
      orderBy: { targetId: "asc" },
    });
    expect(
      rows.filter((r) => r.targetId === "hook" || r.targetId === "retry").map((r) => [r.targetId, r.kind]),
    ).toEqual([
      ["hook", "WEBHOOK"],
      ["retry", "JOB_QUEUE"],
    ]);
    expect(JSON.parse(rows.find((r) => r.targetId === "retry")?.batchParameters ?? "null")).toEqual({
      jobDefinition: "cleanup",
      jobName: "cleanup-after-failure",
      arraySize: 3,
      attempts: 2,
    });

    // Another organization's destination and queue, an unknown queue and another service: failed
    // entries; the good entry in the same call is stored (upserted by Id).
    const theirs = await destination(other.admin, "their-hook");
    const mixed = await ok(admin, "PutTargets", {
      Rule: "failures",
      Targets: [
        { Id: "hook", Arn: dest.ApiDestinationArn, Input: '{"note":"replaced"}' },
        { Id: "foreign-hook", Arn: theirs.ApiDestinationArn },
        {
          Id: "foreign-queue",
          Arn: `arn:aws:batch:us-east-1:${other.accountId}:job-queue/theirs`,
          BatchParameters: { JobDefinition: "d", JobName: "n" },
        },
        {
          Id: "missing-queue",
          Arn: `arn:aws:batch:us-east-1:${accountId}:job-queue/nope`,
          BatchParameters: { JobDefinition: "d", JobName: "n" },
        },
        { Id: "lambda", Arn: `arn:aws:lambda:us-east-1:${accountId}:function:f` },
      ],
    });
    expect(mixed.FailedEntryCount).toBe(4);
    expect(mixed.FailedEntries).toEqual([
      {
        TargetId: "foreign-hook",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `${theirs.ApiDestinationArn} does not exist.`,
      },
      {
        TargetId: "foreign-queue",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: expect.stringContaining("does not exist"),
      },
      {
        TargetId: "missing-queue",
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: expect.stringContaining("does not exist"),
      },
      {
        TargetId: "lambda",
        ErrorCode: "ValidationException",
        ErrorMessage: expect.stringContaining("API destination"),
      },
    ]);
    const targets = (await ok(admin, "ListTargetsByRule", { Rule: "failures" })).Targets;
    expect(targets.map((x: Json) => x.Id)).toEqual(["hook", "retry"]);
    expect(targets[0].Input).toBe('{"note":"replaced"}');

    // Whole-request refusals.
    expect(
      await refused(admin, "PutTargets", { Rule: "failures", Targets: [{ Id: "q", Arn: queueArn }] }),
    ).toMatchObject({ type: "ValidationException", message: expect.stringContaining("BatchParameters") });
    expect(
      (
        await refused(admin, "PutTargets", {
          Rule: "failures",
          Targets: [{ Id: "x", Arn: dest.ApiDestinationArn, Input: "{" }],
        })
      ).type,
    ).toBe("ValidationException");
    expect(
      (
        await refused(admin, "PutTargets", {
          Rule: "failures",
          Targets: [{ Id: "x", Arn: dest.ApiDestinationArn, InputPath: "$.detail" }],
        })
      ).message,
    ).toContain("InputPath is not supported");
    expect(
      (await refused(admin, "PutTargets", { Rule: "nope", Targets: [{ Id: "x", Arn: dest.ApiDestinationArn }] })).type,
    ).toBe("ResourceNotFoundException");
    const tooMany = await refused(admin, "PutTargets", {
      Rule: "failures",
      Targets: ["a", "b", "c", "d"].map((id) => ({ Id: id, Arn: dest.ApiDestinationArn })),
    });
    expect(tooMany).toMatchObject({
      type: "LimitExceededException",
      message: expect.stringContaining("at most 5 targets"),
    });

    // The console's reads.
    const ctx = contextFor(t.db, org.organizationId, { id: "u", email: "a@example.com" }, "submitter");
    const console = (await listRulesWithTargets(ctx)).find((r) => r.name === "failures");
    expect(console?.targets.map((x) => [x.id, x.kind, x.resourceName])).toEqual([
      ["hook", "WEBHOOK", "ops-hook"],
      ["retry", "JOB_QUEUE", "nightly"],
    ]);
    expect(typeof console?.createdAt).toBe("number");
    const hooks = (await listApiDestinationsForConsole(ctx)).find((d) => d.name === "ops-hook");
    expect(hooks).toMatchObject({
      arn: dest.ApiDestinationArn,
      state: "ACTIVE",
      connection: { name: "ops-hook-conn", authorizationType: "API_KEY" },
      usedBy: [{ rule: "failures", targetId: "hook" }],
    });

    // In use: neither the rule nor the destination can go.
    expect(await refused(admin, "DeleteRule", { Name: "failures" })).toMatchObject({
      type: "ValidationException",
      message: "Rule can't be deleted since it has targets.",
    });
    expect(await refused(admin, "DeleteApiDestination", { Name: "ops-hook" })).toMatchObject({
      type: "ValidationException",
      message: expect.stringContaining("failures"),
    });

    expect(await ok(admin, "RemoveTargets", { Rule: "failures", Ids: ["hook", "retry", "never-was"] })).toEqual({
      FailedEntryCount: 0,
      FailedEntries: [],
    });
    expect((await ok(admin, "ListTargetsByRule", { Rule: "failures" })).Targets).toEqual([]);
    await ok(admin, "DeleteRule", { Name: "failures" });
    await ok(admin, "DeleteApiDestination", { Name: "ops-hook" });
  });

  it("lets a submitter read but not write, and a developer write", async () => {
    const { admin, submitter, developer } = org;
    await ok(admin, "PutRule", { Name: "shared", EventPattern: PATTERN });
    expect((await ok(submitter, "DescribeRule", { Name: "shared" })).Name).toBe("shared");
    expect((await ok(submitter, "ListRules", { NamePrefix: "shared" })).Rules).toHaveLength(1);
    expect((await ok(submitter, "ListTargetsByRule", { Rule: "shared" })).Targets).toEqual([]);
    expect(Array.isArray((await ok(submitter, "ListApiDestinations", {})).ApiDestinations)).toBe(true);

    const denied = await refused(submitter, "PutRule", { Name: "shared", EventPattern: FAILED_PATTERN });
    expect(denied).toMatchObject({ type: "AccessDeniedException", status: 403 });
    for (const [op, input] of [
      ["DisableRule", { Name: "shared" }],
      ["DeleteRule", { Name: "shared" }],
      [
        "PutTargets",
        { Rule: "shared", Targets: [{ Id: "x", Arn: "arn:aws:lambda:us-east-1:123456789012:function:f" }] },
      ],
      ["RemoveTargets", { Rule: "shared", Ids: ["x"] }],
      [
        "CreateConnection",
        {
          Name: "c",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "a", Password: "b" } },
        },
      ],
    ] as const) {
      expect((await refused(submitter, op, input)).type, op).toBe("AccessDeniedException");
    }
    expect((await ok(admin, "DescribeRule", { Name: "shared" })).EventPattern).toBe(PATTERN);

    await ok(developer, "DisableRule", { Name: "shared" });
    expect((await ok(submitter, "DescribeRule", { Name: "shared" })).State).toBe("DISABLED");
  });

  it("keeps organizations apart", async () => {
    await ok(org.admin, "PutRule", { Name: "private-rule", EventPattern: PATTERN });
    const dest = await destination(org.admin, "private-hook");
    expect((await refused(other.admin, "DescribeRule", { Name: "private-rule" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await ok(other.admin, "ListRules", {})).Rules.map((r: Json) => r.Name)).not.toContain("private-rule");
    expect((await refused(other.admin, "DescribeApiDestination", { Name: "private-hook" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await refused(other.admin, "DescribeConnection", { Name: "private-hook-conn" })).type).toBe(
      "ResourceNotFoundException",
    );
    expect((await ok(other.admin, "ListApiDestinations", {})).ApiDestinations.map((d: Json) => d.Name)).not.toContain(
      "private-hook",
    );
    // Their own rule of the same name is theirs; our destination is not a target they can name.
    expect((await ok(other.admin, "PutRule", { Name: "private-rule", EventPattern: FAILED_PATTERN })).RuleArn).toBe(
      `arn:aws:events:us-east-1:${other.accountId}:rule/private-rule`,
    );
    const put = await ok(other.admin, "PutTargets", {
      Rule: "private-rule",
      Targets: [{ Id: "steal", Arn: dest.ApiDestinationArn }],
    });
    expect(put.FailedEntryCount).toBe(1);
    expect((await ok(org.admin, "DescribeRule", { Name: "private-rule" })).EventPattern).toBe(PATTERN);
    expect(await refused(other.admin, "DeleteApiDestination", { Name: "private-hook" })).toMatchObject({
      type: "ResourceNotFoundException",
    });
  });

  it("leaves an audit event for every write, made through the API", async () => {
    const { admin, organizationId } = org;
    const before = (await auditActions(organizationId)).length;
    const rule = (await ok(admin, "PutRule", { Name: "audited", EventPattern: PATTERN })).RuleArn;
    await ok(admin, "PutRule", { Name: "audited", EventPattern: FAILED_PATTERN });
    await ok(admin, "DisableRule", { Name: "audited" });
    await ok(admin, "EnableRule", { Name: "audited" });
    const conn = await ok(admin, "CreateConnection", {
      Name: "audited-conn",
      AuthorizationType: "BASIC",
      AuthParameters: { BasicAuthParameters: { Username: "u", Password: "pa55word" } },
    });
    const dest = await ok(admin, "CreateApiDestination", {
      Name: "audited-hook",
      ConnectionArn: conn.ConnectionArn,
      InvocationEndpoint: "https://hooks.example.com/a",
      HttpMethod: "POST",
    });
    await ok(admin, "PutTargets", { Rule: "audited", Targets: [{ Id: "h", Arn: dest.ApiDestinationArn }] });
    await ok(admin, "RemoveTargets", { Rule: "audited", Ids: ["h"] });
    await ok(admin, "DeleteRule", { Name: "audited" });
    await ok(admin, "DeleteApiDestination", { Name: "audited-hook" });
    await ok(admin, "DeleteConnection", { Name: "audited-conn" });
    // Refusals and reads leave nothing.
    await refused(admin, "PutRule", { Name: "audited", EventPattern: "{" });
    await ok(admin, "ListRules", {});

    // Sorted by time, which a fast machine may give two entries alike: compare as a set.
    const entries = (await auditActions(organizationId)).slice(before);
    expect(entries).toHaveLength(11);
    expect(entries).toEqual(
      expect.arrayContaining([
        { action: "eventRule.create", targetId: rule, source: "api" },
        { action: "eventRule.update", targetId: rule, source: "api" },
        { action: "eventRule.disable", targetId: rule, source: "api" },
        { action: "eventRule.enable", targetId: rule, source: "api" },
        { action: "eventConnection.create", targetId: conn.ConnectionArn, source: "api" },
        { action: "apiDestination.create", targetId: dest.ApiDestinationArn, source: "api" },
        { action: "eventRule.putTargets", targetId: rule, source: "api" },
        { action: "eventRule.removeTargets", targetId: rule, source: "api" },
        { action: "eventRule.delete", targetId: rule, source: "api" },
        { action: "apiDestination.delete", targetId: dest.ApiDestinationArn, source: "api" },
        { action: "eventConnection.delete", targetId: conn.ConnectionArn, source: "api" },
      ]),
    );
    // No secret reaches the audit trail.
    const details = (await t.db.auditEvent.findMany({ where: { organizationId } })).map((d) => d.details).join("\n");
    expect(details).not.toContain("pa55word");
    expect(details).not.toContain(Buffer.from("u:pa55word").toString("base64"));
    expect(details).not.toContain(dest.SigningSecret);
  });
});

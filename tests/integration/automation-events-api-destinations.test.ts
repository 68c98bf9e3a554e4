// Amazon EventBridge's JSON 1.1 API over the wire: connections and API destinations (the signing
// secret shown once and sealed, invocation endpoints checked), and the audit trail of every write,
// on both databases. Rules and targets are in automation-events-api.test.ts.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkInvocationEndpoint,
  connectionSecretContext,
  rotateApiDestinationSecret,
  signingSecretContext,
} from "@/lib/automation/event-destinations";
import { decryptSecret } from "@/lib/secrets";
import { PROVIDERS } from "../helpers/db";
import { FAILED_PATTERN, type Json, PATTERN, useEventsApi } from "../helpers/events-api";
import { contextFor } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

describe.each(PROVIDERS)("EventBridge API: connections, destinations and audit on %s", (provider) => {
  const s = useEventsApi(provider);
  const { ok, refused, auditActions } = s;

  it("creates connections and API destinations; the signing secret is shown once and sealed", async () => {
    const { admin, accountId, organizationId } = s.org;
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
    const row = await s.t.db.eventConnection.findUniqueOrThrow({ where: { arn: conn.ConnectionArn } });
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
    const basicRow = await s.t.db.eventConnection.findUniqueOrThrow({ where: { arn: basic.ConnectionArn } });
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
    const destRow = await s.t.db.apiDestination.findUniqueOrThrow({ where: { arn: created.ApiDestinationArn } });
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
    expect(await s.t.db.apiDestination.count({ where: { organizationId, name: "bad" } })).toBe(0);

    // The console's rotation: a new secret, sealed for the same row; the old one no longer opens it.
    const ctx = contextFor(s.t.db, organizationId, { id: "u", email: "a@example.com" }, "admin");
    const rotated = await rotateApiDestinationSecret(ctx, "receiver");
    expect(rotated).not.toBe(created.SigningSecret);
    const after = await s.t.db.apiDestination.findUniqueOrThrow({ where: { id: destRow.id } });
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

  it("leaves an audit event for every write, made through the API", async () => {
    const { admin, organizationId } = s.org;
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
    const details = (await s.t.db.auditEvent.findMany({ where: { organizationId } })).map((d) => d.details).join("\n");
    expect(details).not.toContain("pa55word");
    expect(details).not.toContain(Buffer.from("u:pa55word").toString("base64"));
    expect(details).not.toContain(dest.SigningSecret);
  });
});

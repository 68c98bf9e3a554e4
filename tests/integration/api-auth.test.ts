// Requests signed by the SDK's own signer and sent over HTTP to the /v1 handlers: what is
// refused, with which AWS error type, and that a refusal changes nothing.
import { randomBytes } from "node:crypto";
import { DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { revokeAccessKey } from "@/lib/access-keys/revoke-access-key";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

interface Call {
  path?: string;
  method?: string;
  body?: string | Uint8Array;
  contentType?: string;
  at?: Date;
  /** Replace the body after signing. */
  sendBody?: string;
}

describe.each(PROVIDERS)("/v1 authentication and request errors on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let skewedServer: ApiServer;
  let organizationId: string;
  let admin: { id: string; email: string };
  let key: Credentials;

  async function call(creds: Credentials, c: Call = {}, target = server) {
    const url = new URL(target.endpoint);
    const body = c.body ?? "{}";
    const signer = new SignatureV4({
      credentials: creds,
      region: "us-east-1",
      service: "batch",
      sha256: Hash.bind(null, "sha256"),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: c.method ?? "POST",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: c.path ?? "/v1/describejobqueues",
        headers: { host: url.host, "content-type": c.contentType ?? "application/json" },
        body,
      }),
      { signingDate: c.at ?? new Date() },
    );
    const headers = { ...(signed.headers as Record<string, string>) };
    delete headers.host;
    const res = await fetch(`${target.endpoint}${signed.path}`, {
      method: signed.method,
      headers,
      body: c.sendBody ?? (signed.method === "GET" ? undefined : (body as BodyInit)),
    });
    return {
      status: res.status,
      type: res.headers.get("x-amzn-errortype"),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    // The same database behind a server whose clock runs ten minutes ahead.
    skewedServer = await startApiServer({ db: t.db, now: () => Date.now() + 10 * 60_000 });
    const org = await createOrgWithAdmin(t.db, "Auth");
    organizationId = org.organizationId;
    admin = org.admin;
    key = await createAccessKey(contextFor(t.db, organizationId, admin, "admin"), { description: "auth test" });
  });
  afterAll(async () => {
    await server?.close();
    await skewedServer?.close();
    await t?.close();
  });

  it("accepts a correctly signed request and records when the key was used", async () => {
    const ok = await call(key);
    expect(ok).toMatchObject({ status: 200, body: { jobQueues: [] } });
    const row = await t.db.accessKey.findUniqueOrThrow({ where: { accessKeyId: key.accessKeyId } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("refuses a wrong secret with InvalidSignatureException", async () => {
    const res = await call({ accessKeyId: key.accessKeyId, secretAccessKey: `${key.secretAccessKey.slice(1)}x` });
    expect(res).toMatchObject({
      status: 403,
      type: "InvalidSignatureException",
      body: { __type: "InvalidSignatureException" },
    });
    expect(res.body.message).toMatch(/^The request signature we calculated does not match/);
  });

  it("refuses an unknown key with UnrecognizedClientException", async () => {
    const res = await call({ accessKeyId: "AKIAAAAAAAAAAAAAAAAA", secretAccessKey: key.secretAccessKey });
    expect(res).toMatchObject({
      status: 403,
      type: "UnrecognizedClientException",
      body: { message: "The security token included in the request is invalid." },
    });
  });

  it("refuses a revoked key, and the key of a removed member", async () => {
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const revoked = await createAccessKey(ctx, { description: "to revoke" });
    expect((await call(revoked)).status).toBe(200);
    await revokeAccessKey(ctx, { accessKeyId: revoked.accessKeyId });
    expect(await call(revoked)).toMatchObject({ status: 403, type: "UnrecognizedClientException" });

    const member = await createUser(t.db, `m-${randomBytes(3).toString("hex")}@example.com`);
    const membershipId = await addMembership(t.db, organizationId, member.id, "developer");
    const memberKey = await createAccessKey(contextFor(t.db, organizationId, member, "developer"), {});
    expect((await call(memberKey)).status).toBe(200);
    await t.db.membership.delete({ where: { id: membershipId } });
    expect(await call(memberKey)).toMatchObject({ status: 403, type: "UnrecognizedClientException" });
  });

  it("refuses a stale timestamp, and the SDK sees the error type", async () => {
    const res = await call(key, { at: new Date(Date.now() - 6 * 60_000) });
    expect(res).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(res.body.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    // The SDK corrects its clock from the server's Date header only on retries; with one attempt
    // it surfaces the refusal.
    const client = skewedServer.batch(key);
    const error = await client.send(new DescribeJobQueuesCommand({})).then(
      () => null,
      (e: { name: string }) => e,
    );
    expect(error?.name).toBe("InvalidSignatureException");
  });

  it("refuses a tampered body and does not run the operation", async () => {
    const body = JSON.stringify({ jobDefinitionName: "good", type: "container", containerProperties: { image: "x" } });
    const res = await call(key, {
      path: "/v1/registerjobdefinition",
      body,
      sendBody: body.replace("good", "evil"),
    });
    expect(res).toMatchObject({ status: 403, type: "InvalidSignatureException" });
    expect(await t.db.jobDefinition.count({ where: { organizationId } })).toBe(0);
  });

  // Every AWS Batch operation is served (lib/api/operations.test.ts); those the built-in engine
  // does not run answer, for a built-in organization, a ClientException that says so.
  it("answers an unknown operation with UnknownOperationException and one the built-in engine does not run with ClientException", async () => {
    expect(await call(key, { path: "/v1/launchrockets" })).toMatchObject({
      status: 404,
      type: "UnknownOperationException",
    });
    const unsupported = await call(key, { path: "/v1/createserviceenvironment" });
    expect(unsupported).toMatchObject({ status: 400, type: "ClientException" });
    expect(unsupported.body.message).toMatch(
      /^CreateServiceEnvironment: the built-in engine does not run service environments/,
    );
  });

  it.each([
    ["malformed JSON", { body: '{"jobQueues": [' }, /not valid JSON/],
    ["a JSON array", { body: "[1,2]" }, /must be a JSON object/],
    ["invalid UTF-8", { body: new Uint8Array([0x7b, 0xff, 0x7d]) }, /UTF-8/],
    ["a form body", { body: "a=b", contentType: "application/x-www-form-urlencoded" }, /content type/],
    ["a body over 1 MiB", { body: JSON.stringify({ jobQueues: ["x".repeat(1024 * 1024)] }) }, /1 MiB limit/],
    ["a field of the wrong type", { body: '{"maxResults": "ten"}' }, /maxResults/],
  ] as [string, Call, RegExp][])("answers %s with ClientException 400, never a 500", async (_label, c, message) => {
    const res = await call(key, c);
    expect(res).toMatchObject({ status: 400, type: "ClientException", body: { __type: "ClientException" } });
    expect(res.body.message).toMatch(message);
  });

  it("refuses a request with no signature at all", async () => {
    const res = await fetch(`${server.endpoint}/v1/describejobqueues`, { method: "POST", body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });
});

// The EventBridge API over the wire for the tests of lib/automation/events-api.ts: a test
// database and API server per suite, two organizations with access keys (admin, submitter,
// developer of "Acme"; admin of "Globex"), each with a queue, and calls signed with SigV4 for
// "events" as `aws events --endpoint-url` signs them. `useEventsApi` registers the suite's
// beforeAll/afterAll and returns the fixtures, filled in once they have run.
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, expect } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { Role } from "@/lib/auth/permissions";
import { type ApiServer, startApiServer } from "./api-server";
import { freshDatabase, type TestDatabase } from "./db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "./fixtures";
import { seedQueue } from "./job-fixtures";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

// biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field.
export type Json = Record<string, any>;

export const PATTERN = JSON.stringify({ source: ["aws.batch"], "detail-type": ["Batch Job State Change"] });
export const FAILED_PATTERN = JSON.stringify({ source: ["aws.batch"], detail: { status: ["FAILED"] } });

export function useEventsApi(provider: "sqlite" | "postgresql") {
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

  return {
    get t() {
      return t;
    },
    get org() {
      return org;
    },
    get other() {
      return other;
    },
    call,
    ok,
    refused,
    auditActions,
    destination,
  };
}

// A hosted install (BATCHDECK_HOSTED=true) and an organization on AWS Batch with endpoint
// overrides: the server connects only to public addresses, judged on the addresses a name
// actually resolves to (a host name of this network passes the form's name check), IP literals
// included; and a failed connection is told without the address, port or error code, so the
// messages cannot be used to scan this network. The "internal service" is a listening socket on
// the address this machine's own host name resolves to (127.0.0.1 or the like): it must see no
// connection at all.
import { randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { createServer, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { backendFor } from "@/lib/backends";
import { sealAwsSecret } from "@/lib/backends/aws/config";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput, endpointProblem } from "@/lib/backends/settings/schemas";
import { testBackendConnection } from "@/lib/backends/settings/test-backend-connection";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isForbiddenAddress } from "@/lib/net/address-policy";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

// Before any import reads the environment (lib/env.ts parses it once).
vi.hoisted(() => {
  process.env.BATCHDECK_HOSTED = "true";
});
process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const REFUSED =
  "AWS Batch in us-east-1 could not be reached: the endpoint resolves to a private, loopback or link-local address, which hosted Batchdeck does not connect to.";

const form = (fields: Record<string, string>) => backendSettingsInput.parse(fields);

/** A listening socket that counts the connections made to it and answers none. */
async function listener(address: string): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, resolve);
  });
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

async function closed(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("endpoint overrides on a hosted install", () => {
  let t: TestDatabase;
  let ctx: OrgContext;
  /** This machine's host name when it resolves to an address of its own network, else null. */
  let internalName: { name: string; address: string } | null = null;

  beforeAll(async () => {
    expect(env().BATCHDECK_HOSTED).toBe(true);
    t = await freshDatabase("sqlite");
    const o = await createOrgWithAdmin(t.db, "Tenant");
    ctx = contextFor(t.db, o.organizationId, o.admin, "admin");
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    const internal = addresses.find((a) => isForbiddenAddress(a.address));
    if (internal && addresses.every((a) => isForbiddenAddress(a.address))) {
      internalName = { name, address: internal.address };
    }
  });
  afterAll(async () => {
    delete process.env.BATCHDECK_HOSTED;
    await t?.close();
  });

  const awsForm = (endpoint: string) =>
    form({
      backend: "aws",
      region: "us-east-1",
      credentialMode: "keys",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: randomBytes(30).toString("base64"),
      batchEndpoint: endpoint,
      logsEndpoint: endpoint,
    });

  it("refuses a host name that resolves to this network, without connecting or naming the address", async (test) => {
    if (!internalName) return test.skip("this machine's host name does not resolve to an address of its own");
    const { name, address } = internalName;
    const internal = await listener(address);
    try {
      const endpoint = `https://${name}:${internal.port}`;
      // The form checks the name as typed, and this one looks like anyone's.
      expect(endpointProblem(endpoint, true)).toBeNull();
      await saveBackendSettings(ctx, awsForm(endpoint));

      const tested = await testBackendConnection(ctx, { ...awsForm(endpoint), secretAccessKey: "" });
      expect(tested).toEqual({ ok: false, kind: "network", message: `Network: ${REFUSED}` });

      const error = await failure((await backendFor(ctx)).describeJobQueues(ctx, {}));
      expect(error.code).toBe("BACKEND_UNAVAILABLE");
      expect(error.message).toBe(REFUSED);
      expect(internal.connections()).toBe(0);
    } finally {
      await closed(internal.server);
    }
  });

  it("answers a closed port of this network without its port or the error code", async (test) => {
    if (!internalName) return test.skip("this machine's host name does not resolve to an address of its own");
    const { name, address } = internalName;
    const probe = await listener(address);
    await closed(probe.server);
    const tested = await testBackendConnection(ctx, awsForm(`https://${name}:${probe.port}`));
    expect(tested).toEqual({ ok: false, kind: "network", message: `Network: ${REFUSED}` });
    expect(tested.message).not.toContain(String(probe.port));
    expect(tested.message).not.toContain(address);
    expect(tested.message).not.toMatch(/ECONNREFUSED|errno/);
  });

  it("refuses at the form the IP literals of this network that its name check used to miss", () => {
    for (const literal of [
      "https://[64:ff9b::a00:5]", // NAT64 of 10.0.0.5
      "https://[::7f00:1]", // IPv4-compatible 127.0.0.1
      "https://198.18.0.1", // benchmarking space, private in practice
      "https://[2002:a9fe:a9fe::1]", // 6to4 of 169.254.169.254
    ]) {
      expect(endpointProblem(literal, true), literal).toBe(
        "The endpoint must be a public address, not one of this network's own.",
      );
    }
  });

  it("checks an IP literal before connecting, even one stored before the install was hosted", async () => {
    const internal = await listener("127.0.0.1");
    try {
      const endpoint = `http://127.0.0.1:${internal.port}`;
      const data = {
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKeySealed: sealAwsSecret(ctx.organizationId, randomBytes(30).toString("base64")),
        batchEndpoint: endpoint,
        logsEndpoint: endpoint,
      };
      await t.db.awsBackendConfig.upsert({
        where: { organizationId: ctx.organizationId },
        create: { organizationId: ctx.organizationId, ...data },
        update: data,
      });
      await t.db.organization.update({ where: { id: ctx.organizationId }, data: { backend: "aws" } });
      const error = await failure((await backendFor(ctx)).describeJobQueues(ctx, {}));
      expect(error.message).toBe(REFUSED);
      expect(internal.connections()).toBe(0);
    } finally {
      await closed(internal.server);
    }
  });
});

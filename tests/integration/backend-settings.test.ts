// Settings → Backend: saving seals the secret (the raw row never holds it) and never hands it
// back; a blank secret keeps the stored one only for the same key id; "Test connection" says
// exactly what failed; BATCHDECK_DEFAULT_BACKEND=aws puts the first organization on AWS with
// the SDK's own environment. The "AWS" here is a Batchdeck /v1 served in-process.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { can } from "@/lib/auth/permissions";
import { backendFor } from "@/lib/backends";
import { defaultChainProblem, openAwsConfig, readAwsConfigRow } from "@/lib/backends/aws/config";
import { awsSettingsFromEnvironment, putOrganizationOnAws } from "@/lib/backends/settings/default-backend";
import { getBackendSettings } from "@/lib/backends/settings/get-backend-settings";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput, endpointProblem } from "@/lib/backends/settings/schemas";
import { testBackendConnection } from "@/lib/backends/settings/test-backend-connection";
import { AppError } from "@/lib/errors";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const form = (fields: Record<string, string>) => parseInput(backendSettingsInput, fields);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe.each(PROVIDERS)("Settings → Backend on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let remoteKey: { accessKeyId: string; secretAccessKey: string };
  let local: OrgContext;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const r = await createOrgWithAdmin(t.db, "Remote");
    remoteKey = await createAccessKey(contextFor(t.db, r.organizationId, r.admin, "admin"), { description: "x" });
    const l = await createOrgWithAdmin(t.db, "Local");
    local = contextFor(t.db, l.organizationId, l.admin, "admin");
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  const awsForm = (extra: Record<string, string> = {}) =>
    form({
      backend: "aws",
      region: "us-east-1",
      credentialMode: "keys",
      accessKeyId: remoteKey.accessKeyId,
      secretAccessKey: remoteKey.secretAccessKey,
      batchEndpoint: server.endpoint,
      logsEndpoint: server.endpoint,
      ...extra,
    });

  it("is for admins only", () => {
    expect(can("admin", "backend.manage")).toBe(true);
    expect(can("developer", "backend.manage")).toBe(false);
    expect(can("submitter", "backend.manage")).toBe(false);
  });

  it("seals the secret at rest and never returns it", async () => {
    const saved = await saveBackendSettings(local, awsForm());
    expect(saved.backend).toBe("aws");
    expect(saved.aws).toMatchObject({ accessKeyId: remoteKey.accessKeyId, secretAccessKeySet: true });
    expect(JSON.stringify(saved)).not.toContain(remoteKey.secretAccessKey);
    const shown = await getBackendSettings(local);
    expect(shown.backend).toBe("aws");
    expect(JSON.stringify(shown)).not.toContain(remoteKey.secretAccessKey);

    // The raw row, every column of it, as the database holds it.
    const rows = await t.db.$queryRaw<Record<string, unknown>[]>`
      SELECT * FROM "AwsBackendConfig" WHERE "organizationId" = ${local.organizationId}`;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(remoteKey.secretAccessKey);
    expect(String(rows[0]?.secretAccessKeySealed)).toMatch(/^v1\./);

    const audit = await t.db.auditEvent.findMany({
      where: { organizationId: local.organizationId, action: "organization.backend.update" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).not.toContain(remoteKey.secretAccessKey);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ backend: "aws", secretAccessKey: "replaced" });

    // The sealed value is bound to its organization: copied onto another's row, it does not open.
    const row = await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId: local.organizationId } });
    expect(openAwsConfig(row).secretAccessKey).toBe(remoteKey.secretAccessKey);
    const copied = await refusal(Promise.resolve().then(() => openAwsConfig({ ...row, organizationId: "other-org" })));
    expect(copied.message).toMatch(/cannot be opened/);
  });

  it("keeps the stored secret when left blank, and asks for one for a new key id", async () => {
    const before = await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId: local.organizationId } });
    await saveBackendSettings(local, awsForm({ secretAccessKey: "" }));
    const after = await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId: local.organizationId } });
    expect(after.secretAccessKeySealed).toBe(before.secretAccessKeySealed);

    const error = await refusal(
      saveBackendSettings(local, awsForm({ accessKeyId: "AKIAAAAAAAAAAAAAAAAA", secretAccessKey: "" })),
    );
    expect(error.fieldErrors?.secretAccessKey).toEqual(["Enter the secret access key of this new access key id."]);
  });

  it("shows each invalid field's problem beside it", () => {
    let error: AppError | undefined;
    try {
      form({
        backend: "aws",
        region: "Virginia",
        credentialMode: "assume-role",
        roleArn: "my-role",
        batchEndpoint: "ftp://x",
      });
    } catch (e) {
      error = e as AppError;
    }
    expect(error?.fieldErrors).toEqual({
      region: ["Enter an AWS region such as us-east-1."],
      roleArn: ["Enter a role ARN such as arn:aws:iam::123456789012:role/batchdeck."],
      batchEndpoint: ["The endpoint must be an http:// or https:// URL."],
    });
    // The built-in engine needs none of the AWS fields.
    expect(form({ backend: "builtin", region: "Virginia" }).backend).toBe("builtin");
  });

  it("keeps a hosted install's endpoints public and encrypted", () => {
    expect(endpointProblem("http://127.0.0.1:3000", false)).toBeNull();
    expect(endpointProblem("https://batch.example.com", true)).toBeNull();
    expect(endpointProblem("http://batch.example.com", true)).toBe("The endpoint must be an https:// URL.");
    for (const internal of [
      "https://127.0.0.1",
      "https://169.254.169.254",
      "https://10.0.0.5:8443",
      "https://192.168.1.1",
      "https://172.20.0.1",
      "https://localhost",
      "https://[::1]",
      "https://[fd00::1]",
    ]) {
      expect(endpointProblem(internal, true), internal).toBe(
        "The endpoint must be a public address, not one of this network's own.",
      );
    }
  });

  it("gives each organization an external id of its own, generated once, and refuses a typed one", async () => {
    const o = await createOrgWithAdmin(t.db, "Role");
    const ctx = contextFor(t.db, o.organizationId, o.admin, "admin");
    const roleForm = (extra: Record<string, string> = {}) =>
      form({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "assume-role",
        roleArn: "arn:aws:iam::123456789012:role/batchdeck",
        ...extra,
      });

    // Shown before anything is saved: the trust policy has to name it before the role works.
    const { externalId } = await getBackendSettings(ctx);
    expect(externalId).toMatch(/^batchdeck-[\w-]{24}$/);

    // Typed in (an old form, a hand-made request): refused, saying which one to use.
    const expected = `The external ID is generated by Batchdeck: use ${externalId} in the role's trust policy.`;
    const typed = await refusal(saveBackendSettings(ctx, roleForm({ externalId: "tenant-42" })));
    expect(typed.message).toBe(expected);
    expect(typed.fieldErrors).toBeUndefined();
    expect((await refusal(testBackendConnection(ctx, roleForm({ externalId: "tenant-42" })))).message).toBe(expected);
    expect(await t.db.awsBackendConfig.findUnique({ where: { organizationId: o.organizationId } })).toBeNull();

    // Kept across saves, and what the clients are built with.
    await saveBackendSettings(ctx, roleForm());
    await saveBackendSettings(ctx, roleForm({ roleArn: "arn:aws:iam::123456789012:role/other" }));
    await saveBackendSettings(ctx, form({ backend: "builtin" }));
    expect((await getBackendSettings(ctx)).externalId).toBe(externalId);
    const row = await readAwsConfigRow(t.db, o.organizationId);
    expect(row?.externalId).toBe(externalId);
    expect(openAwsConfig(row!, row!.externalId)).toMatchObject({ credentialMode: "assume-role", externalId });

    // Another organization's is another.
    expect((await getBackendSettings(local)).externalId).not.toBe(externalId);
  });

  it("refuses the server's default credentials on a hosted install", () => {
    expect(defaultChainProblem("default-chain", true)).toMatch(/only on self-hosted installations/);
    expect(defaultChainProblem("default-chain", false)).toBeNull();
    expect(defaultChainProblem("keys", true)).toBeNull();
  });

  it("tests a connection and says exactly what failed", async () => {
    const ok = await testBackendConnection(local, awsForm({ secretAccessKey: "" }));
    expect(ok).toEqual({
      ok: true,
      message: `Connected to AWS Batch in us-east-1 at ${server.endpoint} and can list job queues (there are none yet); CloudWatch Logs answers too.`,
    });

    const wrong = await testBackendConnection(
      local,
      awsForm({ secretAccessKey: "not-the-secret-not-the-secret-00000000" }),
    );
    expect(wrong).toMatchObject({ ok: false, kind: "credentials" });
    expect(wrong.message).toMatch(/^Credentials: The AWS credentials were refused: /);
    expect(wrong.message).not.toContain("not-the-secret");

    const port = await closedPort();
    const refused = await testBackendConnection(local, awsForm({ batchEndpoint: `http://127.0.0.1:${port}` }));
    expect(refused).toMatchObject({ ok: false, kind: "network" });
    expect(refused.message).toMatch(
      new RegExp(
        `^Network: AWS Batch in us-east-1 could not be reached at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`,
      ),
    );

    // AWS Batch answers, CloudWatch Logs (its own endpoint) does not: the message says which.
    const logsDown = await testBackendConnection(local, awsForm({ logsEndpoint: `http://127.0.0.1:${port}` }));
    expect(logsDown).toMatchObject({ ok: false, kind: "network" });
    expect(logsDown.message).toMatch(
      new RegExp(`^Network: CloudWatch Logs in us-east-1 could not be reached at http://127\\.0\\.0\\.1:${port}: `),
    );

    const dns = await testBackendConnection(local, awsForm({ batchEndpoint: "http://batchdeck-test.invalid" }));
    expect(dns).toMatchObject({ ok: false, kind: "dns" });
    expect(dns.message).toMatch(/^DNS: AWS Batch in us-east-1 could not be reached: the host name .*does not resolve/);

    // Testing changes nothing: the stored settings are still the working ones.
    const row = await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId: local.organizationId } });
    expect(row.batchEndpoint).toBe(server.endpoint);
    const tests = await t.db.auditEvent.count({
      where: { organizationId: local.organizationId, action: "organization.backend.testConnection" },
    });
    expect(tests).toBe(5);
  });

  it("switches back to the built-in engine and keeps the AWS settings for later", async () => {
    const saved = await saveBackendSettings(local, form({ backend: "builtin" }));
    expect(saved).toMatchObject({ backend: "builtin", aws: { region: "us-east-1", secretAccessKeySet: true } });
    expect((await backendFor(local)).kind).toBe("builtin");
    await saveBackendSettings(local, awsForm({ secretAccessKey: "" }));
    const backend = await backendFor(local);
    expect(backend.kind).toBe("aws");
    expect((await backend.describeJobQueues(local, {})).jobQueues).toEqual([]);
  });

  it("puts the first organization on AWS from the SDK's standard environment", async () => {
    const settings = awsSettingsFromEnvironment({
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_BATCH: server.endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `${server.endpoint}/`,
    });
    expect(settings).toEqual({
      region: "us-east-1",
      batchEndpoint: server.endpoint,
      logsEndpoint: `${server.endpoint}/`,
    });
    expect(() => awsSettingsFromEnvironment({})).toThrow(/needs AWS_REGION/);

    const org = await createOrgWithAdmin(t.db, "Headless");
    const ctx = contextFor(t.db, org.organizationId, org.admin, "admin");
    await putOrganizationOnAws(t.db, org.organizationId, settings);
    expect(await getBackendSettings(ctx)).toMatchObject({
      backend: "aws",
      aws: { credentialMode: "default-chain", region: "us-east-1", secretAccessKeySet: false },
    });
    // default-chain: the SDK reads the keys from the environment, as it would on a server.
    process.env.AWS_ACCESS_KEY_ID = remoteKey.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = remoteKey.secretAccessKey;
    try {
      const backend = await backendFor(ctx);
      expect((await backend.describeComputeEnvironments(ctx, {})).computeEnvironments).toEqual([]);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});

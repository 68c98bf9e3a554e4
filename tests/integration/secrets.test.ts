// Secrets never leak (issue 6, proof 7). An access key is created, AWS credentials are saved and
// organization secrets are put, replaced and resolved through the domain functions; then every
// place a secret could end up is searched for the raw strings: every column of every table, the
// audit log, everything the functions returned (but the one-time create response and the engine's
// resolution), everything written to the console and by the application's logger (lib/log.ts
// writes to process.stdout/stderr, never through console.*), and the errors of AWS calls that
// fail with those credentials. Then key rotation: values sealed under an old key still open when
// it is listed as previous, and resealSecrets moves them to the new key.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { format, inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findApiCaller } from "@/lib/access-keys/api-caller";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { listAccessKeys } from "@/lib/access-keys/list-access-keys";
import { listAuditEvents } from "@/lib/audit-log/list-audit-events";
import { parseInput, toActionError } from "@/lib/auth/operation";
import { connectionSecretContext, signingSecretContext } from "@/lib/automation/event-destinations";
import { backendFor } from "@/lib/backends";
import { openAwsConfig } from "@/lib/backends/aws/config";
import { getBackendSettings } from "@/lib/backends/settings/get-backend-settings";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { testBackendConnection } from "@/lib/backends/settings/test-backend-connection";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/log";
import { deleteOrgSecret } from "@/lib/org-secrets/delete-org-secret";
import { listOrgSecrets } from "@/lib/org-secrets/list-org-secrets";
import { putOrgSecret } from "@/lib/org-secrets/put-org-secret";
import { resolveJobSecrets } from "@/lib/org-secrets/resolve-job-secrets";
import { putOrgSecretInput } from "@/lib/org-secrets/schemas";
import { openOrgSecret, orgSecretContext } from "@/lib/org-secrets/seal";
import { resealSecrets } from "@/lib/reseal-secrets";
import { decryptSecret, encryptSecret, type Keyring, needsReencryption, parseSecretKey } from "@/lib/secrets";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const form = (fields: Record<string, string>) => parseInput(backendSettingsInput, fields);

/** A 40-character secret shaped like AWS's, unique to this run. */
const awsSecret = () => randomBytes(30).toString("base64").replace(/[+/]/g, "x");

/** The ways a secret could be written down: as is, base64, hex, URL-encoded. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    Buffer.from(secret).toString("hex"),
    encodeURIComponent(secret),
  ];
}

function expectNoSecret(where: string, text: string, secrets: string[]) {
  for (const secret of secrets) {
    for (const written of forms(secret)) {
      expect(text.includes(written), `${where} contains a secret (${written.slice(0, 4)}…)`).toBe(false);
    }
  }
}

/** Every row of every table, as JSON text (bytes as text and as base64 too). */
async function dumpDatabase(t: TestDatabase): Promise<{ tables: string[]; text: string }> {
  const tables =
    t.provider === "sqlite"
      ? (
          await t.db.$queryRawUnsafe<{ name: string }[]>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          )
        ).map((r) => r.name)
      : (
          await t.db.$queryRawUnsafe<{ tablename: string }[]>(
            "SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = current_schema()",
          )
        ).map((r) => r.tablename);
  const parts: string[] = [];
  for (const table of tables) {
    // PostgreSQL renders each row itself, so no column type is lost on the way out.
    const rows =
      t.provider === "sqlite"
        ? await t.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table}"`)
        : await t.db.$queryRawUnsafe<unknown[]>(`SELECT row_to_json(r)::text AS "row" FROM "${table}" r`);
    parts.push(
      JSON.stringify({ table, rows }, (_key, value) => {
        if (typeof value === "bigint") return value.toString();
        if (value instanceof Uint8Array)
          return `${Buffer.from(value).toString("utf8")} ${Buffer.from(value).toString("base64")}`;
        if (value && typeof value === "object" && (value as { type?: string }).type === "Buffer") {
          const bytes = Buffer.from((value as { data: number[] }).data);
          return `${bytes.toString("utf8")} ${bytes.toString("base64")}`;
        }
        return value;
      }),
    );
  }
  return { tables, text: parts.join("\n") };
}

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Everything an error carries: message, stack, own properties and causes. */
const describeError = (error: unknown) =>
  `${error instanceof Error ? `${error.message}\n${error.stack}` : ""}\n${inspect(error, { depth: 8, showHidden: true })}`;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}

describe.each(PROVIDERS)("secrets never leak on %s", (provider) => {
  let t: TestDatabase;
  let refusing: Server;
  let refusingEndpoint: string;
  const requests: string[] = [];
  const consoleOutput: string[] = [];
  /** What the process wrote to stdout and stderr: every line of lib/log.ts's logger. */
  const logOutput: string[] = [];
  const restoreConsole: (() => void)[] = [];

  beforeAll(async () => {
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleOutput.push(format(...args));
      });
      restoreConsole.push(() => spy.mockRestore());
    }
    // The logger looks the streams up at each line, so these see it whenever it was created.
    for (const stream of [process.stdout, process.stderr]) {
      const spy = vi.spyOn(stream, "write").mockImplementation(((chunk: string | Uint8Array) => {
        logOutput.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      }) as typeof stream.write);
      restoreConsole.push(() => spy.mockRestore());
    }
    t = await freshDatabase(provider);
    // AWS refusing the credentials: 403 UnrecognizedClientException, as AWS Batch answers.
    refusing = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        requests.push(`${JSON.stringify(req.headers)}\n${body}`);
        res.writeHead(403, {
          "content-type": "application/json",
          "x-amzn-errortype": "UnrecognizedClientException",
          "x-amzn-requestid": "00000000-0000-0000-0000-000000000000",
        });
        res.end(
          JSON.stringify({
            __type: "UnrecognizedClientException",
            message: "The security token included in the request is invalid.",
          }),
        );
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    refusingEndpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const restore of restoreConsole) restore();
    delete process.env.AWS_ENDPOINT_URL_STS;
    await new Promise<void>((resolve) => refusing?.close(() => resolve()));
    await t?.close();
  });

  it("keeps access-key secrets and AWS credentials out of the database, audit log, answers, console and errors", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Secretive");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const returned: unknown[] = [];

    // 1. An access key: the create response is the one place its secret may appear.
    const created = await createAccessKey(ctx, { description: "ci" });
    expect(created.secretAccessKey).toHaveLength(40);
    returned.push(await listAccessKeys(ctx, { scope: "all" }));

    // 2. AWS credentials: an access key pair, and for a second organization a role to assume
    // with an external id and a source key pair.
    const awsSecretKey = awsSecret();
    returned.push(
      await saveBackendSettings(
        ctx,
        form({
          backend: "aws",
          region: "us-east-1",
          credentialMode: "keys",
          accessKeyId: "AKIASECRETSTEST00001",
          secretAccessKey: awsSecretKey,
          batchEndpoint: refusingEndpoint,
          logsEndpoint: refusingEndpoint,
        }),
      ),
    );
    const roleOrg = await createOrgWithAdmin(t.db, "Role");
    const roleCtx = contextFor(t.db, roleOrg.organizationId, roleOrg.admin, "admin");
    const sourceSecret = awsSecret();
    returned.push(
      await saveBackendSettings(
        roleCtx,
        form({
          backend: "aws",
          region: "us-east-1",
          credentialMode: "assume-role",
          roleArn: "arn:aws:iam::123456789012:role/batchdeck",
          accessKeyId: "AKIASECRETSTEST00002",
          secretAccessKey: sourceSecret,
          batchEndpoint: refusingEndpoint,
        }),
      ),
    );
    returned.push(await getBackendSettings(ctx), await getBackendSettings(roleCtx));
    // The stored secrets are the entered ones (so the searches below look for the right strings).
    const stored = await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId } });
    expect(openAwsConfig(stored).secretAccessKey).toBe(awsSecretKey);
    expect((await findApiCaller(t.db, created.accessKeyId))?.secretAccessKey).toBe(created.secretAccessKey);

    // 3. AWS calls that fail with those credentials: refused (403) and unreachable.
    const errors: unknown[] = [];
    const backend = await backendFor(ctx);
    expect(backend.kind).toBe("aws");
    errors.push(await failure(backend.describeJobQueues(ctx, {})));
    expect(requests.length).toBeGreaterThan(0);
    const connection = await testBackendConnection(ctx, form({ ...formOf(stored), secretAccessKey: "" }));
    expect(connection).toMatchObject({ ok: false, kind: "credentials" });
    returned.push(connection);

    const port = await closedPort();
    await saveBackendSettings(
      ctx,
      form({ ...formOf(stored), secretAccessKey: "", batchEndpoint: `http://127.0.0.1:${port}` }),
    );
    errors.push(await failure((await backendFor(ctx)).describeJobQueues(ctx, {})));
    const unreachable = await testBackendConnection(
      ctx,
      form({ ...formOf(stored), secretAccessKey: "", batchEndpoint: `http://127.0.0.1:${port}` }),
    );
    expect(unreachable).toMatchObject({ ok: false, kind: "network" });
    returned.push(unreachable);

    // The role's source credentials, with STS refusing the connection.
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    errors.push(await failure((await backendFor(roleCtx)).describeJobQueues(roleCtx, {})));

    for (const error of errors) expect((error as Error).name).toBe("AppError");
    expect(String((errors[0] as Error).message)).toMatch(/credentials were refused/);
    expect(String((errors[1] as Error).message)).toMatch(/could not be reached/);

    // 4. The search.
    const secrets = [created.secretAccessKey, awsSecretKey, sourceSecret];
    const dump = await dumpDatabase(t);
    expect(dump.tables).toEqual(expect.arrayContaining(["AccessKey", "AwsBackendConfig", "AuditEvent", "Session"]));
    // The dump is real: it holds the non-secret parts of what was saved.
    expect(dump.text).toContain(created.accessKeyId);
    expect(dump.text).toContain((await getBackendSettings(roleCtx)).externalId);
    expectNoSecret("the database", dump.text, secrets);

    const audit = [
      ...(await listAuditEvents(ctx, { limit: 200 })).events,
      ...(await listAuditEvents(roleCtx, { limit: 200 })).events,
    ];
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "accessKey.create",
        "organization.backend.update",
        "organization.backend.testConnection",
      ]),
    );
    expectNoSecret("the audit log", JSON.stringify(audit), secrets);
    expectNoSecret("the functions' answers", JSON.stringify(returned), secrets);
    expectNoSecret("the console", consoleOutput.join("\n"), secrets);
    expectNoSecret("the log", logOutput.join("\n"), secrets);
    errors.forEach((error, i) => {
      expectNoSecret(`AWS error ${i}`, describeError(error), secrets);
    });
    // And nothing sent to "AWS" carries a secret: only signatures derived from it.
    expectNoSecret("the requests sent to AWS", requests.join("\n"), secrets);
  });

  it("keeps organization secret values out of the database, audit log, answers, errors and the log", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Vault");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const developer = await createUser(t.db, `vault-dev-${randomBytes(3).toString("hex")}@example.com`);
    await addMembership(t.db, organizationId, developer.id, "developer");
    const devCtx = contextFor(t.db, organizationId, developer, "developer");
    // Async, so a refused input is a rejected promise like any other failure.
    const put = async (c: typeof ctx, input: Record<string, string>) =>
      putOrgSecret(c, parseInput(putOrgSecretInput, input));
    const returned: unknown[] = [];
    const errors: unknown[] = [];

    // Values of each kind a job asks for: plain, a JSON document one field of which is picked,
    // one replaced (the old value must go too) and one deleted.
    const plain = awsSecret();
    const password = awsSecret();
    const document = JSON.stringify({ username: "svc", password });
    const replacedOld = awsSecret();
    const replacedNew = awsSecret();
    const deleted = awsSecret();
    const secrets = [plain, password, document, replacedOld, replacedNew, deleted];
    returned.push(
      await put(ctx, { name: "prod/api-token", value: plain, description: "the API token", mode: "create" }),
      await put(devCtx, { name: "prod/db", value: document }),
      await put(ctx, { name: "rotating", value: replacedOld }),
      await put(devCtx, { name: "rotating", value: replacedNew, mode: "replace" }),
      await put(ctx, { name: "short-lived", value: deleted }),
      await deleteOrgSecret(ctx, { name: "short-lived" }),
      await listOrgSecrets(ctx),
    );

    // The engine's resolution is the one answer that carries values: they are the ones stored.
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const arn = (rest: string) => `arn:aws:secretsmanager:us-east-1:${accountId}:secret:${rest}`;
    expect(
      await resolveJobSecrets(t.db, organizationId, [
        { name: "TOKEN", valueFrom: "prod/api-token" },
        { name: "DB_PASSWORD", valueFrom: arn("prod/db-AbC123:password::") },
        { name: "ROTATING", valueFrom: arn("rotating") },
      ]),
    ).toEqual({ ok: true, values: { TOKEN: plain, DB_PASSWORD: password, ROTATING: replacedNew } });

    // Failures: answers, errors and (for a value that cannot be opened) a warning in the log.
    returned.push(
      await resolveJobSecrets(t.db, organizationId, [{ name: "X", valueFrom: "short-lived" }]),
      await resolveJobSecrets(t.db, organizationId, [{ name: "X", valueFrom: arn("prod/api-token:field::") }]),
    );
    const copied = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "prod/db" } });
    await t.db.orgSecret.updateMany({
      where: { organizationId, name: "rotating" },
      data: { valueSealed: copied.valueSealed },
    });
    const undecryptable = await resolveJobSecrets(t.db, organizationId, [{ name: "X", valueFrom: "rotating" }]);
    expect(undecryptable).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot be decrypted/) });
    returned.push(undecryptable);
    await put(ctx, { name: "rotating", value: replacedNew, mode: "replace" });

    const tooLong = `${plain}${"x".repeat(65_536)}`;
    errors.push(
      await failure(put(ctx, { name: "prod/api-token", value: plain, mode: "create" })),
      await failure(put(ctx, { name: "missing", value: plain, mode: "replace" })),
      await failure(put(ctx, { name: "bad name", value: plain })),
      await failure(put(ctx, { name: "fine", value: tooLong })),
    );
    for (const error of errors) expect(error).toBeInstanceOf(AppError);
    // What a browser is answered for each of them (lib/auth/operation.ts).
    returned.push(...errors.map((error) => toActionError(error, "secrets.put")));

    const dump = await dumpDatabase(t);
    expect(dump.tables).toContain("OrgSecret");
    expect(dump.text).toContain("prod/api-token");
    expect(dump.text).toContain("the API token");
    expectNoSecret("the database", dump.text, secrets);
    // The values are there, sealed: opening them gives the entered strings back.
    const stored = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "prod/api-token" } });
    expect(openOrgSecret(stored)).toBe(plain);

    const audit = (await listAuditEvents(ctx, { limit: 200 })).events;
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(["secret.create", "secret.replace", "secret.delete"]),
    );
    expectNoSecret("the audit log", JSON.stringify(audit), secrets);
    expectNoSecret("the functions' answers", JSON.stringify(returned), secrets);
    errors.forEach((error, i) => {
      expectNoSecret(`error ${i}`, describeError(error), secrets);
    });
    // The log is watched for real: the undecryptable secret was reported there, by name only.
    logger().info("secrets sweep: the log is captured");
    const log = logOutput.join("\n");
    expect(log).toContain("secrets sweep: the log is captured");
    expect(log).toMatch(/organization secret cannot be decrypted.*rotating/);
    expectNoSecret("the log", log, secrets);
    expectNoSecret("the console", consoleOutput.join("\n"), secrets);
  });

  it("opens values sealed under a previous key and re-seals them under the new one", async () => {
    const oldKey = parseSecretKey(randomBytes(32).toString("base64"));
    const newKey = parseSecretKey(randomBytes(32).toString("base64"));
    const before: Keyring = { primary: oldKey, previous: [] };
    const rotated: Keyring = { primary: newKey, previous: [oldKey] };
    const afterDrop: Keyring = { primary: newKey, previous: [] };

    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Rotation");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const key = await createAccessKey(ctx, { description: "rotating" });
    const awsSecretKey = awsSecret();
    await saveBackendSettings(
      ctx,
      form({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: "AKIAROTATION00000001",
        secretAccessKey: awsSecretKey,
        batchEndpoint: refusingEndpoint,
      }),
    );
    // Seal both values under the old key, as a server running before the rotation would have.
    await t.db.accessKey.update({
      where: { accessKeyId: key.accessKeyId },
      data: { secretEncrypted: encryptSecret(key.secretAccessKey, { context: key.accessKeyId, keyring: before }) },
    });
    await t.db.awsBackendConfig.update({
      where: { organizationId },
      data: {
        secretAccessKeySealed: encryptSecret(awsSecretKey, {
          context: `aws-backend:${organizationId}`,
          keyring: before,
        }),
      },
    });
    const orgSecretValue = awsSecret();
    await putOrgSecret(ctx, parseInput(putOrgSecretInput, { name: "rotating", value: orgSecretValue }));
    const secretRow = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "rotating" } });
    const secretContext = orgSecretContext(organizationId, secretRow.id);
    await t.db.orgSecret.update({
      where: { id: secretRow.id },
      data: { valueSealed: encryptSecret(orgSecretValue, { context: secretContext, keyring: before }) },
    });
    const { updatedAt: secretUpdatedAt } = await t.db.orgSecret.findUniqueOrThrow({ where: { id: secretRow.id } });
    // A webhook endpoint's signing secret and its connection's header, sealed under the old key.
    const stamp = BigInt(Date.now());
    const connectionId = newId();
    await t.db.eventConnection.create({
      data: {
        id: connectionId,
        organizationId,
        name: "rotating",
        arn: `arn:aws:events:us-east-1:000000000000:connection/rotating/${connectionId}`,
        authorizationType: "API_KEY",
        authHeaderName: "x-api-key",
        authHeaderSealed: encryptSecret("header-value", {
          context: connectionSecretContext(connectionId),
          keyring: before,
        }),
        createdAt: stamp,
        updatedAt: stamp,
      },
    });
    const destinationId = newId();
    await t.db.apiDestination.create({
      data: {
        id: destinationId,
        organizationId,
        name: "rotating",
        arn: `arn:aws:events:us-east-1:000000000000:api-destination/rotating/${destinationId}`,
        connectionId,
        invocationEndpoint: "https://example.com/hook",
        signingSecretSealed: encryptSecret("signing-secret", {
          context: signingSecretContext(destinationId),
          keyring: before,
        }),
        createdAt: stamp,
        updatedAt: stamp,
      },
    });
    const sealed = async () => ({
      accessKey: (await t.db.accessKey.findUniqueOrThrow({ where: { accessKeyId: key.accessKeyId } })).secretEncrypted,
      aws: (await t.db.awsBackendConfig.findUniqueOrThrow({ where: { organizationId } })).secretAccessKeySealed ?? "",
      orgSecret: (await t.db.orgSecret.findUniqueOrThrow({ where: { id: secretRow.id } })).valueSealed,
    });

    // After the rotation, the old values still open, through the previous key.
    const old = await sealed();
    expect(decryptSecret(old.accessKey, { context: key.accessKeyId, keyring: rotated })).toBe(key.secretAccessKey);
    expect(decryptSecret(old.aws, { context: `aws-backend:${organizationId}`, keyring: rotated })).toBe(awsSecretKey);
    expect(decryptSecret(old.orgSecret, { context: secretContext, keyring: rotated })).toBe(orgSecretValue);
    expect(needsReencryption(old.accessKey, rotated)).toBe(true);
    expect(() => decryptSecret(old.accessKey, { context: key.accessKeyId, keyring: afterDrop })).toThrow(
      /not configured/,
    );

    // Re-sealing moves exactly the old values to the new key (other rows were sealed under the
    // test's own key, which this keyring does not hold: they are reported, not touched).
    const result = await resealSecrets(t.db, rotated);
    expect(result.resealed).toBe(5);
    const destination = await t.db.apiDestination.findUniqueOrThrow({
      where: { id: destinationId },
      include: { connection: true },
    });
    expect(destination.signingSecretSealed.split(".")[1]).toBe(newKey.id);
    expect(
      decryptSecret(destination.signingSecretSealed, {
        context: signingSecretContext(destinationId),
        keyring: afterDrop,
      }),
    ).toBe("signing-secret");
    expect(
      decryptSecret(destination.connection.authHeaderSealed ?? "", {
        context: connectionSecretContext(connectionId),
        keyring: afterDrop,
      }),
    ).toBe("header-value");
    const moved = await sealed();
    expect(moved.accessKey.split(".")[1]).toBe(newKey.id);
    expect(moved.aws.split(".")[1]).toBe(newKey.id);
    expect(moved.orgSecret.split(".")[1]).toBe(newKey.id);
    // Re-sealing is not a new value: the console's "updated" date stays.
    expect((await t.db.orgSecret.findUniqueOrThrow({ where: { id: secretRow.id } })).updatedAt).toEqual(
      secretUpdatedAt,
    );
    expect(needsReencryption(moved.accessKey, rotated)).toBe(false);
    // The old key can now be dropped: the values open with the new key alone, still bound to their rows.
    expect(decryptSecret(moved.accessKey, { context: key.accessKeyId, keyring: afterDrop })).toBe(key.secretAccessKey);
    expect(decryptSecret(moved.aws, { context: `aws-backend:${organizationId}`, keyring: afterDrop })).toBe(
      awsSecretKey,
    );
    expect(decryptSecret(moved.orgSecret, { context: secretContext, keyring: afterDrop })).toBe(orgSecretValue);
    expect(() => decryptSecret(moved.accessKey, { context: "AKIAOTHER", keyring: afterDrop })).toThrow(/altered/);
    expectNoSecret("the re-sealed rows", JSON.stringify(moved), [key.secretAccessKey, awsSecretKey, orgSecretValue]);

    // A second run has nothing to move from the old key.
    const again = await resealSecrets(t.db, rotated);
    expect(again.resealed).toBe(0);
    expect(again.unreadable).toBe(result.unreadable);
  });
});

/** The settings form as the stored row would fill it, for re-saving or testing. */
function formOf(row: Parameters<typeof openAwsConfig>[0]): Record<string, string> {
  return {
    backend: "aws",
    region: row.region,
    credentialMode: row.credentialMode,
    accessKeyId: row.accessKeyId ?? "",
    roleArn: row.roleArn ?? "",
    batchEndpoint: row.batchEndpoint ?? "",
    logsEndpoint: row.logsEndpoint ?? "",
  };
}

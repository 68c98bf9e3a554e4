// Settings → Secrets and the engine's resolution of a job's `secrets`: values stored only sealed,
// put/replace/list/delete with audit entries that never hold a value, AWS's name rules, one
// organization never reaching another's secrets, and every valueFrom form AWS Batch users write.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { deleteOrgSecret } from "@/lib/org-secrets/delete-org-secret";
import { listOrgSecrets } from "@/lib/org-secrets/list-org-secrets";
import { putOrgSecret } from "@/lib/org-secrets/put-org-secret";
import { resolveJobSecrets } from "@/lib/org-secrets/resolve-job-secrets";
import { deleteOrgSecretInput, type PutOrgSecretInput, putOrgSecretInput } from "@/lib/org-secrets/schemas";
import { openOrgSecret } from "@/lib/org-secrets/seal";
import { encryptSecret, parseSecretKey } from "@/lib/secrets";
import { clockPast } from "../helpers/clock";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

/** A value unique to this run, so finding it anywhere means it leaked from here. */
const secretValue = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(PROVIDERS)("organization secrets on %s", (provider) => {
  let t: TestDatabase;
  const region = () => env().BATCHDECK_AWS_REGION;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function setup(label: string) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, label);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const org = await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
    const put = (input: PutOrgSecretInput) => putOrgSecret(ctx, parseInput(putOrgSecretInput, input));
    return { organizationId, admin, ctx, accountId: org.accountId, put };
  }

  it("puts, replaces, lists and deletes a secret whose value is only ever stored sealed", async () => {
    const { organizationId, admin, ctx, put } = await setup("Put");
    const dev = await createUser(t.db, `dev-${randomBytes(3).toString("hex")}@example.com`);
    await addMembership(t.db, organizationId, dev.id, "developer");
    const devCtx = contextFor(t.db, organizationId, dev, "developer");

    const first = secretValue("first");
    const created = await put({ name: "prod/db-password", value: first, description: "primary", mode: "create" });
    expect(created).toMatchObject({ name: "prod/db-password", created: true });
    expect(JSON.stringify(created)).not.toContain(first);
    const row = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "prod/db-password" } });
    expect(row.valueSealed).not.toContain(first);
    expect(row.valueSealed).toMatch(/^v1\./);
    expect(openOrgSecret(row)).toBe(first);
    // Bound to its row: the same ciphertext on another row (or organization) does not open.
    expect(() => openOrgSecret({ ...row, id: "another" })).toThrow(/altered/);
    expect(() => openOrgSecret({ ...row, organizationId: "another" })).toThrow(/altered/);

    expect(await listOrgSecrets(ctx)).toEqual([
      {
        name: "prod/db-password",
        description: "primary",
        createdAt: row.createdAt,
        createdByEmail: admin.email,
        updatedAt: row.updatedAt,
        updatedByEmail: admin.email,
      },
    ]);

    // "Add" refuses an existing name (beside the name field); "replace" a missing one.
    const duplicate = await refusal(put({ name: "prod/db-password", value: "x", mode: "create" }));
    expect(duplicate).toMatchObject({ code: "CONFLICT", fieldErrors: { name: [expect.stringMatching(/exists/)] } });
    expect((await refusal(put({ name: "nope", value: "x", mode: "replace" }))).code).toBe("NOT_FOUND");
    // Called without the form's validation (seeding, the engine's tests), a bad name is still refused.
    expect((await refusal(putOrgSecret(ctx, { name: "colon:name", value: "x" }))).code).toBe("INVALID_INPUT");

    // Replacing keeps the row, its name, creator and description; "updated by" is the replacer.
    await clockPast(row.updatedAt.getTime());
    const second = secretValue("second");
    const replaced = await putOrgSecret(
      devCtx,
      parseInput(putOrgSecretInput, { name: "prod/db-password", value: second, mode: "replace" }),
    );
    expect(replaced.created).toBe(false);
    const after = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "prod/db-password" } });
    expect(after.id).toBe(row.id);
    expect(after.createdAt).toEqual(row.createdAt);
    expect(after.updatedAt.getTime()).toBeGreaterThan(row.updatedAt.getTime());
    expect(openOrgSecret(after)).toBe(second);
    expect(await listOrgSecrets(ctx)).toEqual([
      expect.objectContaining({ description: "primary", createdByEmail: admin.email, updatedByEmail: dev.email }),
    ]);
    // Upsert (the default) creates and replaces; a description given replaces the old one.
    await put({ name: "prod/db-password", value: second, description: "" });
    await put({ name: "api-token", value: secretValue("token") });
    expect((await listOrgSecrets(ctx)).map((s) => [s.name, s.description])).toEqual([
      ["api-token", ""],
      ["prod/db-password", ""],
    ]);

    expect(await deleteOrgSecret(ctx, parseInput(deleteOrgSecretInput, { name: "api-token" }))).toEqual({
      name: "api-token",
    });
    expect((await refusal(deleteOrgSecret(ctx, { name: "api-token" }))).code).toBe("NOT_FOUND");
    expect((await listOrgSecrets(ctx)).map((s) => s.name)).toEqual(["prod/db-password"]);

    // Every change audited in order, by whom, naming the secret and never its value.
    const audit = await t.db.auditEvent.findMany({
      where: { organizationId, targetType: "secret" },
      orderBy: [{ createdAt: "asc" }],
    });
    expect(audit.map((a) => [a.action, a.targetId, a.actorEmail])).toEqual([
      ["secret.create", "prod/db-password", admin.email],
      ["secret.replace", "prod/db-password", dev.email],
      ["secret.replace", "prod/db-password", admin.email],
      ["secret.create", "api-token", admin.email],
      ["secret.delete", "api-token", admin.email],
    ]);
    expect(JSON.parse(audit[0]?.details ?? "")).toEqual({ description: "primary" });
    expect(JSON.parse(audit[1]?.details ?? "")).toEqual({});
    const auditText = JSON.stringify(audit);
    for (const value of [first, second]) expect(auditText).not.toContain(value);
  });

  it("takes names by Secrets Manager's rules and values exactly as entered", () => {
    const name = (n: string) => parseInput(putOrgSecretInput, { name: n, value: "v" }).name;
    for (const ok of ["a", "prod/db-password", "A_b+c=d.e@f-g", "/ssm/style/name", "x".repeat(255)]) {
      expect(name(ok)).toBe(ok);
    }
    expect(name("  padded  ")).toBe("padded");
    for (const bad of ["", "   ", "has space", "colon:name", "x".repeat(256), "ünïcode", "hash#", "star*", "a\tb"]) {
      let error: unknown;
      try {
        name(bad);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).toMatchObject({
        code: "INVALID_INPUT",
        fieldErrors: { name: expect.any(Array) },
      });
    }
    expect(() => parseInput(deleteOrgSecretInput, { name: "colon:name" })).toThrow(AppError);

    // Whitespace, line breaks and any Unicode are kept; the limit is Secrets Manager's 64 KiB.
    const verbatim = "  line one\nline two\r\n\ttabbed ✓ ";
    expect(parseInput(putOrgSecretInput, { name: "n", value: verbatim }).value).toBe(verbatim);
    expect(parseInput(putOrgSecretInput, { name: "n", value: "x".repeat(65_536) }).value).toHaveLength(65_536);
    const tooLong = `SENTINEL${"é".repeat(32_765)}`; // 32,773 characters, 65,538 bytes
    for (const value of ["", tooLong]) {
      let error: AppError | undefined;
      try {
        parseInput(putOrgSecretInput, { name: "n", value });
      } catch (e) {
        error = e as AppError;
      }
      expect(error).toMatchObject({ code: "INVALID_INPUT", fieldErrors: { value: expect.any(Array) } });
      expect(JSON.stringify({ m: error?.message, f: error?.fieldErrors })).not.toContain("SENTINEL");
    }
  });

  it("keeps each organization's secrets to itself", async () => {
    const a = await setup("Alpha");
    const b = await setup("Beta");
    const alphaValue = secretValue("alpha");
    await a.put({ name: "shared-name", value: alphaValue, description: "alpha's" });
    await a.put({ name: "alpha-only", value: secretValue("alpha-only") });

    expect(await listOrgSecrets(b.ctx)).toEqual([]);
    // Another organization's secret is simply not found, by every operation.
    expect((await refusal(b.put({ name: "alpha-only", value: "x", mode: "replace" }))).code).toBe("NOT_FOUND");
    expect((await refusal(deleteOrgSecret(b.ctx, { name: "alpha-only" }))).code).toBe("NOT_FOUND");
    expect(await resolveJobSecrets(t.db, b.organizationId, [{ name: "X", valueFrom: "alpha-only" }])).toEqual({
      ok: false,
      reason:
        "ResourceInitializationError: unable to pull secrets or registry auth: secret alpha-only not found in organization secrets",
    });
    // Naming Alpha's account in an ARN does not reach into Alpha either.
    const foreign = await resolveJobSecrets(t.db, b.organizationId, [
      { name: "X", valueFrom: `arn:aws:secretsmanager:${region()}:${a.accountId}:secret:alpha-only` },
    ]);
    expect(foreign).toMatchObject({ ok: false, reason: expect.stringContaining(`belongs to account ${a.accountId}`) });

    // The same name in Beta is Beta's own secret, and each organization gets its own value.
    const betaValue = secretValue("beta");
    await b.put({ name: "shared-name", value: betaValue, mode: "create" });
    const ask = [{ name: "V", valueFrom: "shared-name" }];
    expect(await resolveJobSecrets(t.db, a.organizationId, ask)).toEqual({ ok: true, values: { V: alphaValue } });
    expect(await resolveJobSecrets(t.db, b.organizationId, ask)).toEqual({ ok: true, values: { V: betaValue } });
    expect((await listOrgSecrets(a.ctx)).find((s) => s.name === "shared-name")?.description).toBe("alpha's");
    await deleteOrgSecret(b.ctx, { name: "shared-name" });
    expect(await resolveJobSecrets(t.db, a.organizationId, ask)).toEqual({ ok: true, values: { V: alphaValue } });
  });

  it("resolves every valueFrom form AWS Batch users write", async () => {
    const { organizationId, accountId, put } = await setup("Resolve");
    const sm = (rest: string) => `arn:aws:secretsmanager:${region()}:${accountId}:secret:${rest}`;
    const ssm = (rest: string) => `arn:aws:ssm:${region()}:${accountId}:parameter/${rest}`;
    const user = secretValue("user");
    const config = { user, port: 5432, nested: { a: [1, 2] }, flag: false };
    const seeded = {
      "db-password": secretValue("db"),
      "app/config": JSON.stringify(config),
      prod: secretValue("prod"),
      "prod-AbCdEf": secretValue("prod-suffixed"),
      "/params/token": secretValue("param"),
      flat: secretValue("flat"),
      "/flat": secretValue("slash-flat"),
      "not-json": `SENTINEL-${secretValue("plain")}`,
      multiline: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n",
    };
    for (const [name, value] of Object.entries(seeded)) await put({ name, value });

    const cases: [string, string][] = [
      ["db-password", seeded["db-password"]],
      [sm("db-password"), seeded["db-password"]],
      [sm("db-password-a1B2c3"), seeded["db-password"]],
      // A name that itself ends like AWS's suffix: the exact name wins, else the name without it.
      [sm("prod-AbCdEf"), seeded["prod-AbCdEf"]],
      [sm("prod-ZzZz99"), seeded.prod],
      [sm("app/config:user::"), user],
      [sm("app/config:port::"), "5432"],
      [sm("app/config:nested::"), '{"a":[1,2]}'],
      [sm("app/config:flag::"), "false"],
      [sm("app/config-Xy12Ab:user:AWSCURRENT:"), user],
      [sm("app/config:::"), seeded["app/config"]],
      [ssm("params/token"), seeded["/params/token"]],
      // parameter/flat is both "flat" and "/flat" in SSM's ARNs: the name as written first.
      [ssm("flat"), seeded.flat],
      ["/flat", seeded["/flat"]],
      [sm("multiline"), seeded.multiline],
    ];
    for (const [valueFrom, expected] of cases) {
      expect([valueFrom, await resolveJobSecrets(t.db, organizationId, [{ name: "V", valueFrom }])]).toEqual([
        valueFrom,
        { ok: true, values: { V: expected } },
      ]);
    }

    // Several at once, the same secret twice, and a variable named like an object's prototype.
    const many = await resolveJobSecrets(t.db, organizationId, [
      { name: "DB", valueFrom: sm("db-password") },
      { name: "DB_AGAIN", valueFrom: "db-password" },
      { name: "USER", valueFrom: sm("app/config:user::") },
      { name: "__proto__", valueFrom: ssm("params/token") },
    ]);
    expect(many.ok).toBe(true);
    const values = many.ok ? many.values : {};
    expect(Object.keys(values)).toEqual(["DB", "DB_AGAIN", "USER", "__proto__"]);
    expect(Object.getOwnPropertyDescriptor(values, "__proto__")?.value).toBe(seeded["/params/token"]);
    expect(values.DB).toBe(seeded["db-password"]);
    expect(await resolveJobSecrets(t.db, organizationId, [])).toEqual({ ok: true, values: {} });
    // Inside a transaction too (the engine may resolve while it claims).
    expect(
      await t.db.$transaction((tx) => resolveJobSecrets(tx, organizationId, [{ name: "V", valueFrom: "prod" }])),
    ).toEqual({ ok: true, values: { V: seeded.prod } });

    const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: ";
    const refused: [string, string | RegExp][] = [
      ["missing", `${prefix}secret missing not found in organization secrets`],
      [sm("missing"), `${prefix}secret ${sm("missing")} not found in organization secrets`],
      [ssm("missing"), `${prefix}secret ${ssm("missing")} not found in organization secrets`],
      [
        `arn:aws:secretsmanager:${region()}:000000000000:secret:db-password`,
        /belongs to account 000000000000, not this organization's/,
      ],
      [`arn:aws:ssm:${region()}:000000000000:parameter/params/token`, /belongs to account 000000000000/],
      [`arn:aws:secretsmanager:mars-north-1:${accountId}:secret:db-password`, /is in region mars-north-1/],
      [sm("app/config:missing-key::"), /has no such JSON key/],
      [sm("not-json:user::"), /is not a JSON object/],
      [sm("db-password:user::"), /is not a JSON object/],
      [sm("app/config:user:AWSPREVIOUS:"), /only the current value/],
      ["arn:aws:s3:::bucket/key", /not a Secrets Manager secret or SSM parameter ARN/],
      [sm(`${"x".repeat(600)}`), /not found in organization secrets$/],
    ];
    const allValues = Object.values(seeded);
    for (const [valueFrom, reason] of refused) {
      const got = await resolveJobSecrets(t.db, organizationId, [
        { name: "OK", valueFrom: "db-password" },
        { name: "V", valueFrom },
      ]);
      expect(got.ok, valueFrom).toBe(false);
      const text = got.ok ? "" : got.reason;
      expect(text.startsWith(prefix), text).toBe(true);
      expect(text.length, text).toBeLessThanOrEqual(255);
      expect(text).toMatch(reason);
      // A failure never carries a value, not even the parser's quote of a non-JSON one.
      for (const value of [...allValues, "SENTINEL", user]) expect(text, valueFrom).not.toContain(value);
    }
  });

  it("answers with a reason, not a value or a crash, when a value cannot be decrypted", async () => {
    const { organizationId, put } = await setup("Rotated");
    const value = secretValue("rotated");
    await put({ name: "rotated-away", value });
    await put({ name: "moved", value: secretValue("moved") });
    // Sealed under a key this server does not have (rotated away without re-sealing) …
    const gone = parseSecretKey(randomBytes(32).toString("base64"));
    const row = await t.db.orgSecret.findFirstOrThrow({ where: { organizationId, name: "rotated-away" } });
    await t.db.orgSecret.update({
      where: { id: row.id },
      data: {
        valueSealed: encryptSecret(value, {
          context: `org-secret:${organizationId}:${row.id}`,
          keyring: { primary: gone, previous: [] },
        }),
      },
    });
    // … and a ciphertext copied from another row.
    await t.db.orgSecret.updateMany({
      where: { organizationId, name: "moved" },
      data: { valueSealed: row.valueSealed },
    });
    for (const valueFrom of ["rotated-away", "moved"]) {
      const got = await resolveJobSecrets(t.db, organizationId, [{ name: "V", valueFrom }]);
      expect(got).toEqual({
        ok: false,
        reason: `ResourceInitializationError: unable to pull secrets or registry auth: secret ${valueFrom} cannot be decrypted with this server's keys (was BATCHDECK_SECRET_KEY changed?); set its value again in Settings`,
      });
    }
    // Setting the value again is the way out.
    await put({ name: "rotated-away", value, mode: "replace" });
    expect(await resolveJobSecrets(t.db, organizationId, [{ name: "V", valueFrom: "rotated-away" }])).toEqual({
      ok: true,
      values: { V: value },
    });
  });
});

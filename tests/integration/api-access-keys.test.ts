// Access keys: created with the secret shown once and stored encrypted, listed without secrets,
// revoked by their owner or an admin, audited; and the headless admin key from the environment.
import { randomBytes } from "node:crypto";
import { DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findApiCaller } from "@/lib/access-keys/api-caller";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { ensureAdminAccessKey } from "@/lib/access-keys/ensure-admin-access-key";
import { ACCESS_KEY_ID_PATTERN } from "@/lib/access-keys/generate";
import { listAccessKeys } from "@/lib/access-keys/list-access-keys";
import { revokeAccessKey } from "@/lib/access-keys/revoke-access-key";
import { MAX_ACTIVE_KEYS_PER_USER } from "@/lib/access-keys/schemas";
import { ensureFirstAdmin } from "@/lib/auth/bootstrap";
import { decryptSecret } from "@/lib/secrets";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

describe.each(PROVIDERS)("access keys on %s", (provider) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("creates an AWS-shaped key whose secret is stored only encrypted", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Keys");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const key = await createAccessKey(ctx, { description: "ci" });
    expect(key.accessKeyId).toMatch(ACCESS_KEY_ID_PATTERN);
    expect(key.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);

    const row = await t.db.accessKey.findUniqueOrThrow({ where: { accessKeyId: key.accessKeyId } });
    expect(row.secretEncrypted).not.toContain(key.secretAccessKey);
    expect(decryptSecret(row.secretEncrypted, { context: key.accessKeyId })).toBe(key.secretAccessKey);
    // Bound to its own row: the same ciphertext does not open under another key id.
    expect(() => decryptSecret(row.secretEncrypted, { context: "AKIAOTHER" })).toThrow();

    const listed = await listAccessKeys(ctx, { scope: "own" });
    expect(listed).toEqual([
      expect.objectContaining({
        accessKeyId: key.accessKeyId,
        description: "ci",
        userEmail: admin.email,
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key.secretAccessKey);

    // The API path reads the key with one raw query; its dates must come back intact.
    const usedAt = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    await t.db.accessKey.update({ where: { accessKeyId: key.accessKeyId }, data: { lastUsedAt: usedAt } });
    const caller = await findApiCaller(t.db, key.accessKeyId);
    expect(caller?.lastUsedAt?.toISOString()).toBe(usedAt.toISOString());
    expect(caller?.secretAccessKey).toBe(key.secretAccessKey);
    expect(caller?.context).toMatchObject({
      organizationId,
      role: "admin",
      actor: { userId: admin.id, source: "api" },
    });

    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { organizationId, action: "accessKey.create" } });
    expect(audit).toMatchObject({ targetId: key.accessKeyId, actorUserId: admin.id, source: "console" });
    expect(audit.details).not.toContain(key.secretAccessKey);
  });

  it("lets members manage only their own keys and admins revoke any", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Team");
    const dev = await createUser(t.db, `dev-${randomBytes(3).toString("hex")}@example.com`);
    const sub = await createUser(t.db, `sub-${randomBytes(3).toString("hex")}@example.com`);
    await addMembership(t.db, organizationId, dev.id, "developer");
    await addMembership(t.db, organizationId, sub.id, "submitter");
    const adminCtx = contextFor(t.db, organizationId, admin, "admin");
    const devCtx = contextFor(t.db, organizationId, dev, "developer");
    const subCtx = contextFor(t.db, organizationId, sub, "submitter");

    const devKey = await createAccessKey(devCtx, { description: "dev laptop" });
    const subKey = await createAccessKey(subCtx, {});
    expect((await listAccessKeys(devCtx, { scope: "own" })).map((k) => k.accessKeyId)).toEqual([devKey.accessKeyId]);
    await expect(listAccessKeys(devCtx, { scope: "all" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await listAccessKeys(adminCtx, { scope: "all" })).map((k) => k.accessKeyId).sort()).toEqual(
      [devKey.accessKeyId, subKey.accessKeyId].sort(),
    );

    // Someone else's key is simply not found for a non-admin, and stays usable.
    await expect(revokeAccessKey(devCtx, { accessKeyId: subKey.accessKeyId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await findApiCaller(t.db, subKey.accessKeyId)).not.toBeNull();

    await revokeAccessKey(subCtx, { accessKeyId: subKey.accessKeyId });
    expect(await findApiCaller(t.db, subKey.accessKeyId)).toBeNull();
    await revokeAccessKey(adminCtx, { accessKeyId: devKey.accessKeyId });
    expect(await findApiCaller(t.db, devKey.accessKeyId)).toBeNull();
    expect((await listAccessKeys(devCtx, { scope: "own" }))[0]?.revokedAt).toBeInstanceOf(Date);

    const revokes = await t.db.auditEvent.findMany({ where: { organizationId, action: "accessKey.revoke" } });
    expect(revokes.map((e) => [e.targetId, e.actorUserId]).sort()).toEqual(
      [
        [subKey.accessKeyId, sub.id],
        [devKey.accessKeyId, admin.id],
      ].sort(),
    );
    // Revoking again changes nothing and writes no second audit event.
    await revokeAccessKey(adminCtx, { accessKeyId: devKey.accessKeyId });
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "accessKey.revoke" } })).toBe(2);
  });

  it("never lets another organization see or revoke a key", async () => {
    const a = await createOrgWithAdmin(t.db, "A");
    const b = await createOrgWithAdmin(t.db, "B");
    const key = await createAccessKey(contextFor(t.db, a.organizationId, a.admin, "admin"), {});
    const bCtx = contextFor(t.db, b.organizationId, b.admin, "admin");
    expect(await listAccessKeys(bCtx, { scope: "all" })).toEqual([]);
    await expect(revokeAccessKey(bCtx, { accessKeyId: key.accessKeyId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await findApiCaller(t.db, key.accessKeyId)).not.toBeNull();
  });

  it("caps the active keys per user", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Cap");
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    const keys = [];
    for (let i = 0; i < MAX_ACTIVE_KEYS_PER_USER; i++) keys.push(await createAccessKey(ctx, {}));
    await expect(createAccessKey(ctx, {})).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await revokeAccessKey(ctx, { accessKeyId: keys[0]?.accessKeyId ?? "" });
    await expect(createAccessKey(ctx, {})).resolves.toBeDefined();
  });
});

describe.each(PROVIDERS)("ensureAdminAccessKey on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("creates the configured key for the first admin once, and the key works on /v1", async () => {
    const creds = { accessKeyId: "AKIABATCHDECKHEADLES", secretAccessKey: "headless-secret-0123456789-abcdefghijkl" };
    expect(await ensureAdminAccessKey(t.db, creds)).toEqual({ created: false, reason: "no-admin" });
    const first = await ensureFirstAdmin(t.db, { email: "root@example.com", password: "long enough pw" });
    if (!first.created) throw new Error("expected a first admin");

    const made = await ensureAdminAccessKey(t.db, creds);
    expect(made).toMatchObject({ created: true, organizationId: first.organizationId, userEmail: "root@example.com" });
    expect(await ensureAdminAccessKey(t.db, creds)).toEqual({ created: false, reason: "exists" });
    expect(await t.db.accessKey.count()).toBe(1);

    const out = await server.batch(creds).send(new DescribeJobQueuesCommand({}));
    expect(out.jobQueues).toEqual([]);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "accessKey.create" } });
    expect(audit).toMatchObject({ source: "system", targetId: creds.accessKeyId });
  });
});

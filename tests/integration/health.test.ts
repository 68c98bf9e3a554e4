// GET /api/health as anyone and as the operator: the public answer says whether the database
// answers and an engine leads, never which engine (its id names the host and process) or its
// executors; the operator's metrics token gets those too. On both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHealth } from "@/lib/health";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";

const TOKEN = "operator-metrics-token-0123";
const ENGINE = "build-host-4242-abcdef12";

describe.each(PROVIDERS)("GET /api/health on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    const now = BigInt(Date.now());
    await t.db.engineLease.create({
      data: { name: "leader", holder: ENGINE, acquiredAt: now, heartbeatAt: now, expiresAt: now + 5_000n },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = async (headers: Record<string, string>, token: string | null = TOKEN) => {
    const res = await serveHealth(
      new Request("http://batchdeck.test/api/health", { headers }),
      t.db,
      token ?? undefined,
    );
    return { status: res.status, text: await res.text() };
  };

  it("tells anyone only whether it is up", async () => {
    const asked: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token" }, { authorization: TOKEN }];
    for (const headers of asked) {
      const { status, text } = await get(headers);
      expect(status).toBe(200);
      expect(JSON.parse(text)).toEqual({
        status: "ok",
        database: "ok",
        engine: { status: "ok", ageSeconds: expect.any(Number) },
      });
      expect(text).not.toContain(ENGINE);
    }
  });

  it("names the leader for the operator's token, and for no one when no token is configured", async () => {
    const operator = JSON.parse((await get({ authorization: `Bearer ${TOKEN}` })).text);
    expect(operator.engine).toMatchObject({ status: "ok", leader: ENGINE, leaderSince: expect.any(Number) });
    const unconfigured = await get({ authorization: `Bearer ${TOKEN}` }, null);
    expect(unconfigured.text).not.toContain(ENGINE);
  });
});

import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";
import { createLogger, engineLog, resolveLogFormat } from "./log";

function capture(format: "json" | "text", secrets: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({
    format,
    level: "debug",
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date("2026-12-01T09:30:00.000Z"),
    secrets: () => secrets,
  });
  return { log, out, err };
}

describe("the JSON logger", () => {
  it("writes one JSON object per line with time, level and msg first, then the fields", () => {
    const { log, out, err } = capture("json");
    log.info("job started", { jobId: "j-1", vcpus: 2, at: 12n });
    log.debug("detail");
    log.warn("slow", { ms: 900 });
    log.error("failed", { error: new TypeError("bad thing") });
    expect(out).toHaveLength(2);
    expect(err).toHaveLength(2);
    const first = JSON.parse(out[0]!);
    expect(Object.keys(first).slice(0, 3)).toEqual(["time", "level", "msg"]);
    expect(first).toEqual({
      time: "2026-12-01T09:30:00.000Z",
      level: "info",
      msg: "job started",
      jobId: "j-1",
      vcpus: 2,
      at: 12,
    });
    expect(JSON.parse(out[1]!)).toMatchObject({ level: "debug", msg: "detail" });
    expect(JSON.parse(err[0]!)).toMatchObject({ level: "warn", msg: "slow", ms: 900 });
    const failed = JSON.parse(err[1]!);
    expect(failed.error).toMatchObject({ name: "TypeError", message: "bad thing" });
    expect(failed.error.stack).toContain("TypeError: bad thing");
    for (const line of [...out, ...err]) expect(line).not.toContain("\n");
  });

  it("never lets a field overwrite time, level or msg", () => {
    const { log, out } = capture("json");
    log.info("real", { time: "fake", level: "error", msg: "fake" });
    expect(JSON.parse(out[0]!)).toEqual({ time: "2026-12-01T09:30:00.000Z", level: "info", msg: "real" });
  });

  it("drops entries below the minimum level", () => {
    const out: string[] = [];
    const log = createLogger({ format: "json", level: "warn", out: (l) => out.push(l), err: (l) => out.push(l) });
    log.info("no");
    log.debug("no");
    log.error("yes");
    expect(out.map((l) => JSON.parse(l).msg)).toEqual(["yes"]);
  });

  it("redacts secret-named fields and cuts configured secrets out of every string", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const { log, out } = capture("json", [secret]);
    log.info(`message with ${secret} inside`, {
      password: "hunter2hunter2",
      secretAccessKey: "abc",
      nested: { authorization: "AWS4-HMAC-SHA256 Credential=…", note: `the key ${secret}` },
      error: new Error(`failed with ${secret}`),
      list: [secret],
    });
    const line = out[0]!;
    expect(line).not.toContain(secret);
    expect(line).not.toContain("hunter2");
    const entry = JSON.parse(line);
    expect(entry.msg).toBe("message with **** inside");
    expect(entry.password).toBe("****");
    expect(entry.secretAccessKey).toBe("****");
    expect(entry.nested).toEqual({ authorization: "****", note: "the key ****" });
    expect(entry.error.message).toBe("failed with ****");
    expect(entry.list).toEqual(["****"]);
  });

  it("reads the configured secrets from the environment by default", () => {
    const token = "metrics-token-0123456789abcdef";
    const before = process.env.BATCHDECK_METRICS_TOKEN;
    process.env.BATCHDECK_METRICS_TOKEN = token;
    try {
      const out: string[] = [];
      createLogger({ format: "json", out: (l) => out.push(l) }).info(`Bearer ${token}`);
      expect(out[0]).not.toContain(token);
    } finally {
      if (before === undefined) delete process.env.BATCHDECK_METRICS_TOKEN;
      else process.env.BATCHDECK_METRICS_TOKEN = before;
    }
  });

  it("survives cycles and carries a child's fields", () => {
    const { log, out } = capture("json");
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    log.child({ component: "engine" }).info("cyclic", { a });
    expect(JSON.parse(out[0]!)).toMatchObject({ component: "engine", a: { name: "a", self: "[…]" } });
  });

  it("the engine's log function takes its level from the fields", () => {
    const { log, out, err } = capture("json");
    const engine = engineLog(log.child({ component: "engine" }));
    engine("leading", { engineId: "e1" });
    engine("write failed", { level: "warn", failures: 2 });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: "info", msg: "leading", component: "engine", engineId: "e1" });
    const warned = JSON.parse(err[0]!);
    expect(warned).toMatchObject({ level: "warn", msg: "write failed", failures: 2 });
    expect(warned).not.toHaveProperty("level", "info");
  });
});

describe("the text format", () => {
  it("writes one readable line per entry", () => {
    const { log, out } = capture("text");
    log.child({ component: "engine" }).info("leading", { engineId: "e 1", n: 3 });
    expect(out).toEqual(['2026-12-01T09:30:00.000Z INFO  [engine] leading engineId="e 1" n=3']);
  });
});

describe("choosing the format", () => {
  it("BATCHDECK_LOG_FORMAT wins; otherwise json in production or without a terminal", () => {
    expect(resolveLogFormat({ BATCHDECK_LOG_FORMAT: "text", NODE_ENV: "production" }, false)).toBe("text");
    expect(resolveLogFormat({ BATCHDECK_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(resolveLogFormat({ NODE_ENV: "production" }, true)).toBe("json");
    expect(resolveLogFormat({}, false)).toBe("json");
    expect(resolveLogFormat({ NODE_ENV: "development" }, true)).toBe("text");
  });

  it("configuration refuses an unknown format", () => {
    expect(() => parseEnv({ BATCHDECK_LOG_FORMAT: "xml" })).toThrow(/BATCHDECK_LOG_FORMAT: expected json or text/);
    expect(parseEnv({ BATCHDECK_LOG_FORMAT: "text" }).BATCHDECK_LOG_FORMAT).toBe("text");
  });
});

import { describe, expect, it } from "vitest";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { ApiError, errorResponse, jsonBody, MAX_BODY_BYTES, parseJsonObject, readBody, toApiError } from "./errors";

describe("toApiError", () => {
  it.each<[AppErrorCode, string, number]>([
    ["INVALID_INPUT", "ClientException", 400],
    ["NOT_FOUND", "ClientException", 400],
    ["CONFLICT", "ClientException", 400],
    ["LIMIT_EXCEEDED", "ClientException", 400],
    ["FORBIDDEN", "AccessDeniedException", 403],
    ["UNAUTHENTICATED", "UnrecognizedClientException", 403],
    ["RATE_LIMITED", "TooManyRequestsException", 429],
    ["BACKEND_UNAVAILABLE", "ServerException", 500],
  ])("maps AppError %s to %s %i, keeping the message", (code, type, status) => {
    expect(toApiError(new AppError(code, "why"))).toMatchObject({ type, status, message: "why" });
  });

  it("hides unexpected errors behind an opaque ServerException", async () => {
    // The server log (lib/log.ts) writes errors to stderr.
    const original = process.stderr.write.bind(process.stderr);
    const logged: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const res = errorResponse(new Error("connection string postgres://secret@db"));
      expect(res.status).toBe(500);
      expect(res.headers.get("x-amzn-errortype")).toBe("ServerException");
      const body = await res.text();
      expect(body).not.toContain("secret");
      expect(JSON.parse(body)).toEqual({
        __type: "ServerException",
        message: "An internal error occurred. Try again later.",
      });
      expect(logged.join("")).toContain("postgres://secret@db");
    } finally {
      process.stderr.write = original;
    }
  });

  it("sends the type in the header and the body", async () => {
    const res = errorResponse(new ApiError("ClientException", 400, "bad"));
    expect(res.headers.get("x-amzn-errortype")).toBe("ClientException");
    expect(await res.json()).toEqual({ __type: "ClientException", message: "bad" });
  });
});

describe("jsonBody", () => {
  it("writes BigInt and Date values as epoch milliseconds", () => {
    const at = new Date(Date.UTC(2026, 0, 1));
    expect(JSON.parse(jsonBody({ a: 5n, b: at, nested: [{ c: at }], d: "x" }))).toEqual({
      a: 5,
      b: at.getTime(),
      nested: [{ c: at.getTime() }],
      d: "x",
    });
  });
});

describe("parseJsonObject", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it.each([
    ["", null, {}],
    ["  ", "application/json", {}],
    ['{"a":1}', "application/x-amz-json-1.1", { a: 1 }],
  ])("accepts %j (%s)", (text, type, expected) => {
    expect(parseJsonObject(bytes(text), type)).toEqual(expected);
  });
  it.each([
    ["{", null, /not valid JSON/],
    ["null", null, /JSON object/],
    ['"s"', null, /JSON object/],
    ["{}", "text/xml", /Unsupported content type/],
  ])("refuses %j (%s)", (text, type, message) => {
    expect(() => parseJsonObject(bytes(text), type)).toThrow(message);
  });
});

describe("readBody", () => {
  it("refuses a declared length over the limit without reading", async () => {
    const req = new Request("http://x/", {
      method: "POST",
      body: "{}",
      headers: { "content-length": String(MAX_BODY_BYTES + 1) },
    });
    await expect(readBody(req)).rejects.toMatchObject({
      type: "ClientException",
      message: expect.stringMatching(/1 MiB/),
    });
  });
  it("refuses a streamed body that grows past the limit", async () => {
    const req = new Request("http://x/", { method: "POST", body: "x".repeat(2048) });
    await expect(readBody(req, 1024)).rejects.toMatchObject({ type: "ClientException" });
  });
  it("reads a body within the limit", async () => {
    const req = new Request("http://x/", { method: "POST", body: "hello" });
    expect(new TextDecoder().decode(await readBody(req))).toBe("hello");
  });
});

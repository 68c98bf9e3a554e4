// Requests signed by @smithy/signature-v4 itself (what the AWS SDK uses) must pass, and every
// way of getting it wrong must be refused with AWS's error type.
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { parseAmzDate, parseAuthorization, type SignedRequest, verifySigV4 } from "./sigv4";

const KEY = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

interface Spec {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  body?: string;
  headers?: Record<string, string>;
  at?: number;
  secret?: string;
  service?: string;
  region?: string;
  sha256Header?: boolean;
}

async function signed(spec: Spec = {}): Promise<SignedRequest> {
  const body = spec.body ?? '{"jobQueues":[]}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: spec.secret ?? KEY.secretAccessKey },
    region: spec.region ?? "us-east-1",
    service: spec.service ?? "batch",
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: spec.sha256Header ?? false,
  });
  const request = await signer.sign(
    new HttpRequest({
      method: spec.method ?? "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 3000,
      path: spec.path ?? "/v1/describejobqueues",
      query: spec.query ?? {},
      headers: { host: "127.0.0.1:3000", "content-type": "application/json", ...spec.headers },
      body,
    }),
    { signingDate: new Date(spec.at ?? NOW) },
  );
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(spec.query ?? {})) for (const one of [v].flat()) query.append(k, one);
  return {
    method: request.method,
    path: request.path,
    query,
    headers: new Headers(request.headers as Record<string, string>),
    body: new TextEncoder().encode(body),
  };
}

const lookup = async (id: string) => (id === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey, id } : null);
const verify = (req: SignedRequest, now = NOW) => verifySigV4(req, { service: "batch", now, lookup });

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe("verifySigV4 accepts", () => {
  it.each<[string, Spec]>([
    ["a signed POST", {}],
    ["a signed body hash header", { sha256Header: true }],
    ["an empty body", { body: "" }],
    [
      "a percent-encoded ARN in the path and repeated query keys",
      {
        method: "DELETE",
        path: `/v1/tags/${encodeURIComponent("arn:aws:batch:us-east-1:123456789012:job-queue/q 1")}`,
        query: { tagKeys: ["a", "b c"] },
        body: "",
      },
    ],
    ["another region", { region: "eu-west-1" }],
    ["a clock 4 minutes behind", { at: NOW - 4 * 60_000 }],
    ["a clock 4 minutes ahead", { at: NOW + 4 * 60_000 }],
  ])("%s", async (_label, spec) => {
    await expect(verify(await signed(spec))).resolves.toMatchObject({ id: KEY.accessKeyId });
  });
});

describe("verifySigV4 refuses", () => {
  it("a missing Authorization header", async () => {
    const req = await signed();
    req.headers.delete("authorization");
    expect((await refusal(verify(req))).type).toBe("MissingAuthenticationTokenException");
  });

  it.each([
    ["another scheme", "Basic dXNlcjpwYXNz"],
    [
      "no Signature",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/batch/aws4_request, SignedHeaders=host",
    ],
    [
      "a short credential",
      `AWS4-HMAC-SHA256 Credential=AKIA/20261123, SignedHeaders=host;x-amz-date, Signature=${"a".repeat(64)}`,
    ],
    [
      "a non-hex signature",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/batch/aws4_request, SignedHeaders=host;x-amz-date, Signature=zz",
    ],
  ])("a malformed Authorization header: %s", async (_label, header) => {
    const req = await signed();
    req.headers.set("authorization", header);
    expect((await refusal(verify(req))).type).toBe("IncompleteSignatureException");
  });

  it("an unknown (or revoked) access key", async () => {
    const error = await refusal(verifySigV4(await signed(), { service: "batch", now: NOW, lookup: async () => null }));
    expect(error.type).toBe("UnrecognizedClientException");
    expect(error.status).toBe(403);
    expect(error.message).toBe("The security token included in the request is invalid.");
  });

  it("a wrong secret", async () => {
    const error = await refusal(verify(await signed({ secret: "not-the-secret-not-the-secret-not-the-sec" })));
    expect(error.type).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it("a timestamp more than 5 minutes old", async () => {
    const error = await refusal(verify(await signed({ at: NOW - 6 * 60_000 })));
    expect(error.type).toBe("InvalidSignatureException");
    expect(error.message).toBe(
      "Signature expired: 20261123T115400Z is now earlier than 20261123T115500Z (20261123T120000Z - 5 min.)",
    );
  });

  it("a timestamp more than 5 minutes ahead", async () => {
    const error = await refusal(verify(await signed({ at: NOW + 6 * 60_000 })));
    expect(error.type).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/^Signature not yet current/);
  });

  it("a tampered body", async () => {
    const req = await signed({ body: '{"jobQueues":["a"]}' });
    req.body = new TextEncoder().encode('{"jobQueues":["b"]}');
    expect((await refusal(verify(req))).type).toBe("InvalidSignatureException");
  });

  it("a tampered body under a signed x-amz-content-sha256", async () => {
    const req = await signed({ sha256Header: true, body: '{"a":1}' });
    req.body = new TextEncoder().encode('{"a":2}');
    const error = await refusal(verify(req));
    expect(error.type).toBe("InvalidSignatureException");
    expect(error.message).toMatch(/x-amz-content-sha256/);
  });

  it("an unsigned payload", async () => {
    const req = await signed({ headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    expect((await refusal(verify(req))).message).toMatch(/Unsigned payloads/);
  });

  it("a changed path, query, method or signed header", async () => {
    const path = await signed();
    path.path = "/v1/deletejobqueue";
    const query = await signed({ query: { tagKeys: "a" } });
    query.query = new URLSearchParams("tagKeys=b");
    const method = await signed();
    method.method = "PUT";
    const header = await signed();
    header.headers.set("host", "evil.example:3000");
    for (const req of [path, query, method, header]) {
      expect((await refusal(verify(req))).type).toBe("InvalidSignatureException");
    }
  });

  it("a signature for another service", async () => {
    expect((await refusal(verify(await signed({ service: "logs" })))).type).toBe("IncompleteSignatureException");
  });

  it("a signed header that is missing", async () => {
    const req = await signed();
    req.headers.delete("content-type");
    expect((await refusal(verify(req))).message).toMatch(/'content-type' is missing/);
  });
});

describe("parsing", () => {
  it("reads the Authorization fields", () => {
    expect(
      parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=AKIAX/20261123/us-east-1/batch/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
      ),
    ).toEqual({
      accessKeyId: "AKIAX",
      date: "20261123",
      region: "us-east-1",
      service: "batch",
      signedHeaders: ["host", "x-amz-date"],
      signature: "0".repeat(64),
    });
  });

  it.each([
    ["20261123T120000Z", NOW],
    ["2026-11-23T12:00:00Z", null],
    ["20261323T120000Z", null],
    [null, null],
  ])("parseAmzDate(%s)", (text, expected) => {
    expect(parseAmzDate(text)?.getTime() ?? null).toBe(expected);
  });
});

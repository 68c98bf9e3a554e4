// AWS Signature Version 4 verification for incoming requests. The signature is recomputed by
// @smithy/signature-v4 (the signer the AWS SDK itself uses) over exactly what was received:
// method, raw path, query, the headers the caller listed as signed, and the hash of the body
// bytes we read. Nothing the caller claims about the body is trusted: a declared
// x-amz-content-sha256 must equal the hash we compute.
import { createHash, timingSafeEqual } from "node:crypto";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { ApiError } from "./errors";

/** How far a request's X-Amz-Date may be from the server's clock, as on AWS. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The path as received, still percent-encoded (the tags route carries an encoded ARN). */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Uint8Array;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const INVALID_TOKEN = "The security token included in the request is invalid.";
const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const incomplete = (message: string) => new ApiError("IncompleteSignatureException", 400, message);
export const unrecognizedClient = () => new ApiError("UnrecognizedClientException", 403, INVALID_TOKEN);
const invalidSignature = (message = SIGNATURE_MISMATCH) => new ApiError("InvalidSignatureException", 403, message);

export function parseAuthorization(header: string | null): ParsedAuthorization {
  if (!header) throw new ApiError("MissingAuthenticationTokenException", 403, "Missing Authentication Token");
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match?.[1]) {
    throw incomplete("Authorization header must use AWS4-HMAC-SHA256 (AWS Signature Version 4).");
  }
  const fields = new Map<string, string>();
  for (const part of match[1].split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    throw incomplete(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization header was malformed.",
    );
  }
  const scope = credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request" || !/^\d{8}$/.test(scope[1] ?? "")) {
    throw incomplete(`Credential should be scoped to a valid date, region and service: "${credential}".`);
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete("The Signature parameter must be 64 hexadecimal characters.");
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()),
    signature,
  };
}

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** "20261123T195901Z" → Date, or null when malformed. */
export function parseAmzDate(value: string | null): Date | null {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
  // Date.UTC rolls a month 13 over into the next year; a real timestamp survives the round trip.
  return Number.isNaN(date.getTime()) || amzDate(date.getTime()) !== value ? null : date;
}

const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/**
 * Verify the request and return the caller the access key stands for. `lookup` returns null
 * for an unknown or revoked key.
 */
export async function verifySigV4<C extends { secretAccessKey: string }>(
  req: SignedRequest,
  opts: { service: string; now: number; lookup: (accessKeyId: string) => Promise<C | null> },
): Promise<C> {
  const auth = parseAuthorization(req.headers.get("authorization"));
  if (auth.service !== opts.service) {
    throw incomplete(`Credential should be scoped to correct service: '${opts.service}'.`);
  }
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("x-amz-date")) {
    throw incomplete("The 'host' and 'x-amz-date' headers must be signed.");
  }
  const dateHeader = req.headers.get("x-amz-date");
  const signingDate = parseAmzDate(dateHeader);
  if (!signingDate || !dateHeader) throw incomplete("X-Amz-Date must be a date like 20150830T123600Z.");
  if (dateHeader.slice(0, 8) !== auth.date) {
    throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from X-Amz-Date: ${dateHeader}.`);
  }
  const skew = signingDate.getTime() - opts.now;
  if (skew < -MAX_CLOCK_SKEW_MS) {
    throw invalidSignature(
      `Signature expired: ${dateHeader} is now earlier than ${amzDate(opts.now - MAX_CLOCK_SKEW_MS)} (${amzDate(opts.now)} - 5 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw invalidSignature(
      `Signature not yet current: ${dateHeader} is still later than ${amzDate(opts.now + MAX_CLOCK_SKEW_MS)} (${amzDate(opts.now)} + 5 min.)`,
    );
  }

  const bodyHash = createHash("sha256").update(req.body).digest("hex");
  const declaredHash = req.headers.get("x-amz-content-sha256");
  if (declaredHash !== null && declaredHash !== bodyHash) {
    // UNSIGNED-PAYLOAD would leave the body open to tampering; the Batch SDKs never send it.
    throw invalidSignature(
      declaredHash === UNSIGNED_PAYLOAD
        ? "Unsigned payloads are not accepted; sign the request body."
        : "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers.get(name);
    if (value === null) throw incomplete(`The signed header '${name}' is missing from the request.`);
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(req.query.keys())) {
    const values = req.query.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }

  const caller = await opts.lookup(auth.accessKeyId);
  if (!caller) throw unrecognizedClient();

  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: caller.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: true,
    // Hash exactly the signed headers; never add one the caller did not sign.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method.toUpperCase(),
      protocol: "https:",
      hostname: headers.host ?? "",
      path: req.path,
      query,
      headers,
      body: req.body,
    }),
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const ours = parseAuthorization(signed.headers.authorization ?? null);
  const a = Buffer.from(ours.signature, "hex");
  const b = Buffer.from(auth.signature, "hex");
  const sameHeaders = ours.signedHeaders.join(";") === [...auth.signedHeaders].sort().join(";");
  if (!sameHeaders || a.length !== b.length || !timingSafeEqual(a, b)) throw invalidSignature();
  return caller;
}

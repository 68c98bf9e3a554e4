// What a malformed /v1 request is, for tests/integration/bad-input.test.ts: valid requests per
// operation to corrupt one field at a time, the nasty values that corrupt them, and every other
// kind of bad request (not JSON, not UTF-8, wrong content type, unknown operation, sizes around
// the body limit, bad tag ARNs), with passesBoundary deciding beforehand which are invalid.
import fc from "fast-check";
import { MAX_BODY_BYTES, parseJsonObject } from "@/lib/api/errors";
import { API_OPERATIONS, AWS_BATCH_OPERATIONS, TAG_OPERATIONS } from "@/lib/api/operations";

// ---------------------------------------------------------------------------------------------
// Valid requests per operation, seeded resources included, for corruption one field at a time.
// ---------------------------------------------------------------------------------------------

const ACCOUNT_ARN = "arn:aws:batch:us-east-1:000000000000";

export const BASE: Record<string, Record<string, unknown>> = {
  CreateComputeEnvironment: {
    computeEnvironmentName: "ce-new",
    type: "MANAGED",
    computeResources: { type: "EC2", maxvCpus: 4, subnets: ["subnet-1"], instanceTypes: ["optimal"] },
  },
  DescribeComputeEnvironments: { computeEnvironments: ["ce"], maxResults: 10 },
  UpdateComputeEnvironment: { computeEnvironment: "ce", state: "ENABLED" },
  DeleteComputeEnvironment: { computeEnvironment: "ce" },
  CreateJobQueue: {
    jobQueueName: "q-new",
    priority: 1,
    computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
  },
  DescribeJobQueues: { jobQueues: ["q"], maxResults: 10 },
  UpdateJobQueue: { jobQueue: "q", priority: 5, state: "ENABLED" },
  DeleteJobQueue: { jobQueue: "q" },
  GetJobQueueSnapshot: { jobQueue: "q" },
  CreateSchedulingPolicy: { name: "fair-new", fairsharePolicy: { shareDecaySeconds: 60 } },
  DescribeSchedulingPolicies: { arns: [`${ACCOUNT_ARN}:scheduling-policy/fair`] },
  ListSchedulingPolicies: { maxResults: 10 },
  UpdateSchedulingPolicy: { arn: `${ACCOUNT_ARN}:scheduling-policy/fair`, fairsharePolicy: { shareDecaySeconds: 120 } },
  DeleteSchedulingPolicy: { arn: `${ACCOUNT_ARN}:scheduling-policy/fair` },
  RegisterJobDefinition: {
    jobDefinitionName: "d",
    type: "container",
    parameters: { msg: "hello" },
    containerProperties: { image: "busybox", command: ["echo", "Ref::msg"], vcpus: 1, memory: 128 },
    retryStrategy: { attempts: 2 },
    timeout: { attemptDurationSeconds: 60 },
  },
  DescribeJobDefinitions: { jobDefinitionName: "d", status: "ACTIVE", maxResults: 10 },
  DeregisterJobDefinition: { jobDefinition: "d:1" },
  SubmitJob: {
    jobName: "j",
    jobQueue: "q",
    jobDefinition: "d",
    parameters: { msg: "x" },
    arrayProperties: { size: 2 },
    retryStrategy: { attempts: 1 },
    timeout: { attemptDurationSeconds: 60 },
    containerOverrides: { command: ["echo", "hi"], environment: [{ name: "A", value: "1" }] },
  },
  DescribeJobs: { jobs: ["00000000-0000-0000-0000-000000000000"] },
  ListJobs: { jobQueue: "q", jobStatus: "RUNNABLE", maxResults: 10 },
  CancelJob: { jobId: "00000000-0000-0000-0000-000000000000", reason: "r" },
  TerminateJob: { jobId: "00000000-0000-0000-0000-000000000000", reason: "r" },
  CancelJobs: { jobs: ["00000000-0000-0000-0000-000000000000"], reason: "r" },
  TerminateJobs: { jobs: ["00000000-0000-0000-0000-000000000000"], reason: "r" },
};

const ROUTED_OPERATIONS = Object.keys(API_OPERATIONS).filter((n) => !(TAG_OPERATIONS as readonly string[]).includes(n));

// ---------------------------------------------------------------------------------------------
// Nasty values.
// ---------------------------------------------------------------------------------------------

/** A value spliced into the JSON text verbatim: numbers JSON.stringify cannot write. */
class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod]() {
    return this.text.length > 80 ? `<raw JSON of ${this.text.length} characters>` : `<raw JSON ${this.text}>`;
  }
}

/** A deeply nested value as JSON text (JSON.stringify would recurse as deep as it goes). */
export function deepText(depth: number, kind: "array" | "object"): Raw {
  const [open, close] = kind === "array" ? ["[", "]"] : ['{"a":', "}"];
  return new Raw(`${open.repeat(depth)}"x"${close.repeat(depth)}`);
}

/**
 * A deeply nested value for the server actions, which take values rather than text; kept within
 * what fast-check's recursive printer can show in a failure report.
 */
export function deep(depth: number, kind: "array" | "object"): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

const UNICODE = [
  "\uD800", // a lone high surrogate
  "a\uDC00b", // a lone low surrogate
  "\u0000",
  "name\u0000tail",
  "\u202Eevil\u202C", // right-to-left override
  "שלום-queue", // RTL script
  "😀",
  "👩‍👩‍👧‍👦".repeat(40), // emoji with zero-width joiners
  "\uFEFFq", // BOM
  "q\u200B", // zero-width space
  "ｑ", // fullwidth
  "\u0301", // lone combining mark
  "\r\n",
  "\t",
];

const BAD_NAMES = [
  "",
  " ",
  "bad name!",
  "a".repeat(129),
  "a".repeat(10_000),
  "../../etc/passwd",
  "-lead",
  "q:notanumber",
  "d:-1",
  "d:0",
  "d:1.5",
  "d:99999999999999999999999",
  "%00",
  '\'; DROP TABLE "Job"; --',
  "arn:aws:batch:us-east-1:000000000000:job-queue/",
  "arn:aws:batch:us-east-1:000000000000:",
  "arn:aws:batch:::",
  "arn:aws:s3:::bucket/key",
  "arn:aws:batch:us-east-1:000000000000:job-definition/d:x",
  "arn:aws:batch:us-east-1:000000000000:scheduling-policy/",
  "arn:aws:batch:us-east-1:000000000000:job/",
  "arn:aws:batch:us-east-1:000000000000:compute-environment/\u0000",
];

const NUMBERS: unknown[] = [
  -1,
  -0,
  0,
  0.5,
  -2147483649,
  2147483648,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1e21,
  new Raw("1e309"),
  new Raw("-1e309"),
  new Raw("123456789012345678901234567890"),
  new Raw("1e-400"),
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "0x10",
  "1",
];

const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [1, 2],
  { $gt: "" },
  "",
  "ENABLED ",
  "enabled",
  "UNKNOWN_ENUM",
];

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.bigInt().map((b) => new Raw(b.toString())),
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...BAD_NAMES, ...UNICODE), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 100_000 }).map((d) => deepText(d, "array")) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 100_000 }).map((d) => deepText(d, "object")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 50, max: 400 }), fc.constantFrom("array" as const, "object" as const))
      .map(([d, kind]) => deep(d, kind)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, () => "x")) },
);

/** JSON text with Raw values written verbatim. */
function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `__RAW_${raws.length - 1}__`;
    }
    return v;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_m, i: string) => raws[Number(i)] as string);
}

/** Replace the value at a path (creating objects on the way) in a deep copy. */
function setAt(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
  return copy;
}

/** Every path to a leaf of a valid request, so corruption can reach nested fields. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...leafPaths(v, [...prefix, k]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generated requests.
// ---------------------------------------------------------------------------------------------

export interface BadRequest {
  kind: string;
  route: "operation" | "tags";
  /** The /v1/<segment> of an operation request, or the encoded ARN of a tags request. */
  segment: string;
  method: string;
  body: Uint8Array;
  contentType: string | null;
}

export const enc = new TextEncoder();

const corruptField: fc.Arbitrary<BadRequest> = fc
  .constantFrom(...ROUTED_OPERATIONS)
  .chain((op) => {
    const base = BASE[op] ?? {};
    const paths = leafPaths(base);
    return fc.record({
      op: fc.constant(op),
      path: fc.oneof(
        { weight: 4, arbitrary: paths.length ? fc.constantFrom(...paths) : fc.constant<string[]>(["x"]) },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map((k) => [k]) },
      ),
      value: nastyValue,
    });
  })
  .map(({ op, path, value }) => ({
    kind: "corrupt-field",
    route: "operation" as const,
    segment: op.toLowerCase(),
    method: "POST",
    body: enc.encode(toJsonText(setAt(BASE[op] ?? {}, path, value))),
    contentType: "application/x-amz-json-1.1",
  }));

const notAnObject: fc.Arbitrary<BadRequest> = fc
  .record({
    op: fc.constantFrom(...ROUTED_OPERATIONS),
    body: fc.oneof(
      fc.constantFrom("[]", "null", "0", "true", '"x"', "[{}]", "1e309", '{"a":1}{"b":2}', "{", "{'a':1}", "\u0000"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 60 }).filter((s) => !isJsonObjectText(s)),
      fc
        .jsonValue()
        .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
    ),
  })
  .map(({ op, body }) => ({
    kind: "not-a-json-object",
    route: "operation" as const,
    segment: op.toLowerCase(),
    method: "POST",
    body: enc.encode(body),
    contentType: "application/json",
  }));

const notUtf8: fc.Arbitrary<BadRequest> = fc
  .record({
    op: fc.constantFrom(...ROUTED_OPERATIONS),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  })
  .map(({ op, bytes }) => ({
    kind: "not-utf8",
    route: "operation" as const,
    segment: op.toLowerCase(),
    method: "POST",
    // 0xFF never occurs in UTF-8.
    body: Uint8Array.from([0x7b, ...bytes, 0xff, 0x7d]),
    contentType: "application/json",
  }));

const wrongContentType: fc.Arbitrary<BadRequest> = fc
  .record({
    op: fc.constantFrom(...ROUTED_OPERATIONS),
    contentType: fc.constantFrom(
      "text/plain",
      "application/xml",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "image/png",
      "text/html; charset=utf-8",
    ),
  })
  .map(({ op, contentType }) => ({
    kind: "wrong-content-type",
    route: "operation" as const,
    segment: op.toLowerCase(),
    method: "POST",
    body: enc.encode(JSON.stringify(BASE[op] ?? {})),
    contentType,
  }));

const unknownOperation: fc.Arbitrary<BadRequest> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes("/")),
    fc.constantFrom(
      "createserviceenvironment",
      "submitservicejob",
      "createquotashare",
      "tagresource",
      "listtagsforresource",
      "submitjob\u0000",
      "ＳubmitJob",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
    ),
  )
  .map((segment) => ({
    kind: "unknown-operation",
    route: "operation" as const,
    segment,
    method: "POST",
    body: enc.encode("{}"),
    contentType: "application/json",
  }));

// Bodies that test the size limit from both sides: a JSON object whose one string field makes
// it exactly `size` bytes.
function bodyOfSize(op: string, size: number): Uint8Array {
  const shell = JSON.stringify({ ...(BASE[op] ?? {}), padding: "" });
  const fill = size - enc.encode(shell).byteLength;
  return enc.encode(shell.replace('"padding":""', `"padding":"${"p".repeat(Math.max(0, fill))}"`));
}
export const sizedBody: fc.Arbitrary<BadRequest> = fc
  .record({
    op: fc.constantFrom(...ROUTED_OPERATIONS),
    size: fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1, MAX_BODY_BYTES * 2),
  })
  .map(({ op, size }) => ({
    kind: size > MAX_BODY_BYTES ? "over-limit" : "at-limit",
    route: "operation" as const,
    segment: op.toLowerCase(),
    method: "POST",
    body: bodyOfSize(op, size),
    contentType: "application/json",
  }));

const badArn = fc.oneof(
  fc.constantFrom(...BAD_NAMES, ...UNICODE),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(`${ACCOUNT_ARN}:job-queue/q`, `${ACCOUNT_ARN}:job-queue/nope`, `${ACCOUNT_ARN}:job/x`),
);
const tagsRequest: fc.Arbitrary<BadRequest> = fc
  .record({
    arn: badArn,
    // Raw percent-encoding mistakes as well as encoded garbage.
    encoding: fc.constantFrom("encoded", "raw", "broken"),
    method: fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"),
    tags: fc.oneof(
      nastyValue,
      fc.dictionary(fc.constantFrom(...UNICODE, ...BAD_NAMES), fc.constantFrom(...UNICODE, ...BAD_NAMES), {
        maxKeys: 3,
      }),
    ),
  })
  .map(({ arn, encoding, method, tags }) => ({
    kind: "tags",
    route: "tags" as const,
    segment:
      encoding === "encoded"
        ? encodeURIComponent(toWellFormed(arn))
        : encoding === "broken"
          ? `${encodeURIComponent(toWellFormed(arn))}%E0%A4%A`
          : encodeURI(toWellFormed(arn)),
    method,
    body: enc.encode(method === "POST" ? toJsonText({ tags }) : ""),
    contentType: "application/json",
  }));

/** encodeURIComponent refuses lone surrogates; the URL layer would replace them anyway. */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDFFF]/g, (c, i: number, all: string) => {
    const code = c.charCodeAt(0);
    const paired =
      (code < 0xdc00 && /[\uDC00-\uDFFF]/.test(all[i + 1] ?? "")) ||
      (code >= 0xdc00 && /[\uD800-\uDBFF]/.test(all[i - 1] ?? ""));
    return paired ? c : "\uFFFD";
  });
}

/**
 * Text no database stores (NUL, unpaired surrogates) is invalid input wherever it appears, in a
 * value or a field name. The test's own check, independent of lib/text-input.ts, walking with a
 * stack because bodies nest 100,000 deep.
 */
function hasUnstorableText(value: unknown): boolean {
  const bad = (s: string) =>
    s.includes("\u0000") || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string" && bad(v)) return true;
    if (typeof v === "object" && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (bad(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

function isJsonObjectText(s: string): boolean {
  try {
    const v = JSON.parse(s);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

export const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  { weight: 12, arbitrary: corruptField },
  { weight: 2, arbitrary: notAnObject },
  { weight: 1, arbitrary: notUtf8 },
  { weight: 1, arbitrary: wrongContentType },
  { weight: 1, arbitrary: unknownOperation },
  { weight: 2, arbitrary: tagsRequest },
);

/**
 * Would the handler get past its boundary with this request? Decided from the transport rules
 * and the operation's schema, not by sending it. `true` means valid-looking (sent to the
 * sandbox, not counted); an oracle that itself throws counts as valid-looking too.
 */
export function passesBoundary(r: BadRequest): boolean {
  try {
    if (r.body.byteLength > MAX_BODY_BYTES) return false;
    if (r.route === "operation") {
      if (hasUnstorableText(parseJsonObject(r.body, r.contentType))) return false;
      const name = AWS_BATCH_OPERATIONS.find((n) => n.toLowerCase() === r.segment.toLowerCase());
      if (!name || (TAG_OPERATIONS as readonly string[]).includes(name)) return false;
      const operation = API_OPERATIONS[name];
      if (!operation) return false;
      return operation.input.safeParse(parseJsonObject(r.body, r.contentType)).success;
    }
    let resourceArn: string;
    try {
      resourceArn = decodeURIComponent(r.segment);
    } catch {
      return false;
    }
    if (hasUnstorableText(resourceArn)) return false;
    if (r.method === "GET")
      return API_OPERATIONS.ListTagsForResource?.input.safeParse({ resourceArn }).success ?? false;
    if (r.method === "DELETE")
      return API_OPERATIONS.UntagResource?.input.safeParse({ resourceArn, tagKeys: [] }).success ?? false;
    if (r.method === "POST") {
      const raw = parseJsonObject(r.body, r.contentType);
      if (hasUnstorableText(raw) || hasUnstorableText(resourceArn)) return false;
      return API_OPERATIONS.TagResource?.input.safeParse({ ...raw, resourceArn }).success ?? false;
    }
    return false;
  } catch (error) {
    // parseJsonObject's refusals are ClientExceptions: rejected at the boundary.
    if ((error as { type?: string }).type === "ClientException") return false;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Signing and sending.
// ---------------------------------------------------------------------------------------------

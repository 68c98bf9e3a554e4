// How the AWS backend fails: AWS's ClientException message kept, credentials and network
// failures in plain words without the secret, throttling retried by the SDK. The SDK calls are
// stubbed with aws-sdk-client-mock, except for the retry test: the mock replaces `send` itself,
// retry middleware included, so that one answers over real HTTP from a local server instead.
// On a hosted install, failed connections to an endpoint override are told without detail.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BatchClient, ClientException, DescribeJobQueuesCommand, ServerException } from "@aws-sdk/client-batch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { REFUSED_ADDRESS_CODE, REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";
import { awsBackend } from ".";
import { createAwsClients, MAX_ATTEMPTS } from "./clients";
import type { AwsConfig } from "./config";
import { classifyAwsError, toAppError } from "./errors";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const config: AwsConfig = {
  region: "eu-west-1",
  credentialMode: "keys",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: SECRET,
};
// describeJobQueues reads nothing from the caller's context; the AWS call is what is under test.
const ctx = {} as OrgContext;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the AWS backend's errors (aws-sdk-client-mock)", () => {
  const batch = mockClient(BatchClient);
  const clients = createAwsClients(config, "org-1");
  const backend = awsBackend(clients);
  afterEach(() => batch.reset());
  afterAll(() => {
    batch.restore();
    clients.destroy();
  });

  it("keeps AWS's ClientException message and tells not-found from invalid input", async () => {
    batch
      .on(DescribeJobQueuesCommand)
      .rejects(
        new ClientException({ message: "maxResults must be between 1 and 100", $metadata: { httpStatusCode: 400 } }),
      );
    const invalid = await failure(backend.describeJobQueues(ctx, {}));
    expect(invalid.code).toBe("INVALID_INPUT");
    expect(invalid.message).toBe("maxResults must be between 1 and 100");

    batch
      .on(DescribeJobQueuesCommand)
      .rejects(new ClientException({ message: "Job queue nope does not exist.", $metadata: { httpStatusCode: 400 } }));
    const missing = await failure(backend.describeJobQueues(ctx, {}));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toBe("Job queue nope does not exist.");
  });

  it("says expired credentials were refused, without the secret", async () => {
    batch.on(DescribeJobQueuesCommand).rejects(
      Object.assign(new Error(`The security token included in the request is expired (key ${SECRET})`), {
        name: "ExpiredTokenException",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const error = await failure(backend.describeJobQueues(ctx, {}));
    expect(error.code).toBe("BACKEND_UNAVAILABLE");
    expect(error.message).toMatch(
      /^The AWS credentials were refused: The security token included in the request is expired/,
    );
    expect(error.message).not.toContain(SECRET);
  });

  it("says when the credentials work but may not do this", async () => {
    batch
      .on(DescribeJobQueuesCommand)
      .rejects(
        Object.assign(
          new Error(
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: batch:DescribeJobQueues because no identity-based policy allows the batch:DescribeJobQueues action",
          ),
          { name: "AccessDeniedException", $fault: "client", $metadata: { httpStatusCode: 403 } },
        ),
      );
    const error = await failure(backend.describeJobQueues(ctx, {}));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(
      /^AWS denied the request: User: arn:aws:iam::123456789012:user\/ci is not authorized/,
    );
  });

  it("says a network failure in plain words", async () => {
    batch
      .on(DescribeJobQueuesCommand)
      .rejects(Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443"), { code: "ECONNREFUSED" }));
    const refused = await failure(backend.describeJobQueues(ctx, {}));
    expect(refused.code).toBe("BACKEND_UNAVAILABLE");
    expect(refused.message).toMatch(
      /^AWS Batch in eu-west-1 could not be reached: connect ECONNREFUSED 10\.1\.2\.3:443/,
    );

    batch.on(DescribeJobQueuesCommand).rejects(
      Object.assign(new Error("getaddrinfo ENOTFOUND batch.eu-west-1.amazonaws.com"), {
        code: "ENOTFOUND",
        hostname: "batch.eu-west-1.amazonaws.com",
      }),
    );
    const dns = await failure(backend.describeJobQueues(ctx, {}));
    expect(dns.message).toBe(
      "AWS Batch in eu-west-1 could not be reached: the host name batch.eu-west-1.amazonaws.com does not resolve (DNS). Check the region and this server's network.",
    );
  });

  it("lets a bug of its own through as it is rather than blaming the network", async () => {
    batch.on(DescribeJobQueuesCommand).resolves(undefined as never);
    const error = await backend.describeJobQueues(ctx, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
  });

  it("reports AWS's own failures and lasting throttling as such", async () => {
    batch
      .on(DescribeJobQueuesCommand)
      .rejects(new ServerException({ message: "Internal failure", $metadata: { httpStatusCode: 500 } }));
    const server = await failure(backend.describeJobQueues(ctx, {}));
    expect(server.code).toBe("BACKEND_UNAVAILABLE");
    expect(server.message).toMatch(/^AWS Batch in eu-west-1 answered with an internal error: Internal failure/);

    batch.on(DescribeJobQueuesCommand).rejects(
      Object.assign(new Error("Too Many Requests"), {
        name: "TooManyRequestsException",
        $metadata: { httpStatusCode: 429 },
      }),
    );
    const throttled = await failure(backend.describeJobQueues(ctx, {}));
    expect(throttled.code).toBe("RATE_LIMITED");
    expect(throttled.message).toContain(`after ${MAX_ATTEMPTS} attempts`);
  });
});

describe("the AWS backend's clients retry throttling", () => {
  let server: Server;
  let endpoint = "";
  let calls = 0;
  let throttleFirst = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        calls++;
        if (calls <= throttleFirst) {
          res.writeHead(429, { "content-type": "application/json", "x-amzn-errortype": "TooManyRequestsException" });
          res.end(JSON.stringify({ __type: "TooManyRequestsException", message: "Too Many Requests" }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            jobQueues: [{ jobQueueName: "q", jobQueueArn: "arn:aws:batch:eu-west-1:123456789012:job-queue/q" }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("retries a throttled call with backoff and then succeeds", async () => {
    calls = 0;
    throttleFirst = 2;
    const clients = createAwsClients({ ...config, batchEndpoint: endpoint }, "org-1");
    try {
      const out = await awsBackend(clients).describeJobQueues(ctx, {});
      expect(out.jobQueues.map((q) => q.jobQueueName)).toEqual(["q"]);
      expect(calls).toBe(3);
    } finally {
      clients.destroy();
    }
  });

  it("gives up after its attempts and says so", async () => {
    calls = 0;
    throttleFirst = 100;
    const clients = createAwsClients({ ...config, batchEndpoint: endpoint }, "org-1", { maxAttempts: 2 });
    try {
      const error = await failure(awsBackend(clients).describeJobQueues(ctx, {}));
      expect(error.code).toBe("RATE_LIMITED");
      expect(calls).toBe(2);
    } finally {
      clients.destroy();
    }
  });
});

describe("a hosted install's failed connections to an endpoint override", () => {
  const site = { service: "AWS Batch", region: "eu-west-1", endpoint: "https://batch.tenant.example:6379" };
  const opaque = {
    kind: "network",
    message:
      "AWS Batch in eu-west-1 could not connect to the endpoint. Check the endpoint override, and that it is reachable from the internet.",
  };
  const failed = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
  const cases: [string, Error][] = [
    ["refused", failed("connect ECONNREFUSED 10.1.2.3:6379", { code: "ECONNREFUSED", errno: -111, port: 6379 })],
    ["reset", failed("socket hang up 10.1.2.3:6379", { code: "ECONNRESET" })],
    ["a connect timeout", failed("connect ETIMEDOUT 10.1.2.3:6379", { code: "ETIMEDOUT" })],
    ["the SDK's timeout", failed("no connection to 10.1.2.3:6379 within 5000 ms", { name: "TimeoutError" })],
    [
      "a certificate for another name",
      failed("Hostname/IP does not match certificate's altnames: IP: 10.1.2.3 is not in the cert's list", {
        code: "ERR_TLS_CERT_ALTNAME_INVALID",
      }),
    ],
    ["a self-signed certificate", failed("self-signed certificate in chain", { code: "SELF_SIGNED_CERT_IN_CHAIN" })],
    [
      "a port that does not speak TLS",
      failed("SSL routines:ssl3_get_record:wrong version number", { code: "ERR_SSL_WRONG_VERSION_NUMBER" }),
    ],
    ["anything else without an answer", failed("read 10.1.2.3:6379 failed", {})],
  ];

  it.each(cases)("%s: says only that it could not connect", (_, error) => {
    expect(classifyAwsError(error, { ...site, hosted: true })).toEqual(opaque);
    // Self-hosted, and AWS's own endpoints when hosted, keep the detail that helps fix it.
    expect(classifyAwsError(error, site).message).toContain(error.message);
    expect(classifyAwsError(error, { ...site, endpoint: undefined, hosted: true }).message).toContain(error.message);
  });

  it("says an address it refused to connect to is refused, and nothing more", () => {
    const refused = failed(REFUSED_ADDRESS_ERROR, { code: REFUSED_ADDRESS_CODE });
    expect(classifyAwsError(refused, { ...site, hosted: true })).toEqual({
      kind: "network",
      message: `AWS Batch in eu-west-1 could not be reached: ${REFUSED_ADDRESS_ERROR}.`,
    });
    expect(toAppError(refused, { ...site, hosted: true })).toBeInstanceOf(AppError);
  });

  it("keeps the endpoint's own answers: it is a public server the tenant chose", () => {
    const answer = new ServerException({ message: "Internal failure", $metadata: { httpStatusCode: 500 } });
    expect(classifyAwsError(answer, { ...site, hosted: true }).message).toContain("Internal failure");
  });
});

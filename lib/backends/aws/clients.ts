// The SDK clients of one organization's AWS configuration. Built once per configuration and
// cached per organization: the cache key includes the row's updatedAt, so a change saved on any
// replica rebuilds the clients here on the next call, and saving on this replica drops them at
// once (invalidateAwsClients).
//
// Throttling (429, TooManyRequestsException) and transient network failures are retried by the
// SDK itself, in its standard retry mode with exponential backoff and jitter.
import { BatchClient } from "@aws-sdk/client-batch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { AppError } from "@/lib/errors";
import { type AwsConfig, defaultChainProblem } from "./config";

export const MAX_ATTEMPTS = 5;
/**
 * Marks requests this server sends to an AWS Batch endpoint. Another Batchdeck (or this one)
 * refuses to relay such a request to AWS again, so an organization set up to point at its own
 * /v1 gets a clear error instead of calling itself without end.
 */
export const RELAY_HEADER = "x-batchdeck-relay";
/** A console page waits on these calls: fail in seconds, not minutes, when AWS cannot be reached. */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Temporary credentials from AssumeRole last this long; the SDK refreshes them before expiry. */
const ROLE_SESSION_SECONDS = 3_600;

export interface AwsClients {
  config: AwsConfig;
  batch: BatchClient;
  logs: CloudWatchLogsClient;
  destroy(): void;
}

function credentialsOf(
  config: AwsConfig,
  organizationId: string,
): AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined {
  const problem = defaultChainProblem(config.credentialMode);
  if (problem) throw new AppError("INVALID_INPUT", problem);
  const keys =
    config.accessKeyId && config.secretAccessKey
      ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
      : undefined;
  switch (config.credentialMode) {
    case "keys":
      if (!keys) throw new AppError("INVALID_INPUT", "The AWS backend needs an access key id and secret access key.");
      return keys;
    case "assume-role":
      if (!config.roleArn) throw new AppError("INVALID_INPUT", "The AWS backend needs the ARN of a role to assume.");
      // The role is assumed with the access key when one is set, otherwise with the server's
      // own identity (the usual cross-account set-up, which the external id protects).
      return fromTemporaryCredentials({
        params: {
          RoleArn: config.roleArn,
          RoleSessionName: `batchdeck-${organizationId}`.slice(0, 64),
          DurationSeconds: ROLE_SESSION_SECONDS,
          ...(config.externalId ? { ExternalId: config.externalId } : {}),
        },
        ...(keys ? { masterCredentials: keys } : {}),
        clientConfig: { region: config.region, maxAttempts: MAX_ATTEMPTS },
      });
    case "default-chain":
      // Left undefined, the SDK resolves the standard chain: environment, shared config files,
      // web identity, container and instance metadata.
      return undefined;
  }
}

export function createAwsClients(
  config: AwsConfig,
  organizationId: string,
  opts: { maxAttempts?: number } = {},
): AwsClients {
  const credentials = credentialsOf(config, organizationId);
  const common = {
    region: config.region,
    ...(credentials ? { credentials } : {}),
    maxAttempts: opts.maxAttempts ?? MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  } as const;
  const batch = new BatchClient({
    ...common,
    ...(config.batchEndpoint ? { endpoint: config.batchEndpoint } : {}),
  });
  const logs = new CloudWatchLogsClient({
    ...common,
    ...(config.logsEndpoint ? { endpoint: config.logsEndpoint } : {}),
  });
  for (const client of [batch, logs] as const) {
    (client.middlewareStack as BatchClient["middlewareStack"]).add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers[RELAY_HEADER] = "1";
        return next(args);
      },
      { step: "build", name: "batchdeckRelayHeader" },
    );
  }
  return {
    config,
    batch,
    logs,
    destroy() {
      batch.destroy();
      logs.destroy();
    },
  };
}

const cache = new Map<string, { stamp: string; clients: AwsClients }>();

export function peekAwsClients(organizationId: string, stamp: string): AwsClients | undefined {
  const hit = cache.get(organizationId);
  return hit && hit.stamp === stamp ? hit.clients : undefined;
}

/** The cached clients of an organization for the configuration saved at `stamp` (updatedAt). */
export function cachedAwsClients(organizationId: string, stamp: string, build: () => AwsConfig): AwsClients {
  const hit = cache.get(organizationId);
  if (hit && hit.stamp === stamp) return hit.clients;
  const clients = createAwsClients(build(), organizationId);
  hit?.clients.destroy();
  cache.set(organizationId, { stamp, clients });
  return clients;
}

export function invalidateAwsClients(organizationId: string): void {
  cache.get(organizationId)?.clients.destroy();
  cache.delete(organizationId);
}

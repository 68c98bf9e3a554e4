// The SDK clients of one organization's AWS configuration. Built once per configuration and
// cached per organization: the cache key includes the row's updatedAt, so a change saved on any
// replica rebuilds the clients here on the next call, and saving on this replica drops them at
// once (invalidateAwsClients).
//
// Throttling (429, TooManyRequestsException) and transient network failures are retried by the
// SDK itself, in its standard retry mode with exponential backoff and jitter.
//
// On a hosted install an endpoint override is a place the server connects to because a tenant
// said so: a client with one connects only where lib/net/address-policy.ts allows, checked on
// the addresses the socket is about to use (so a public-looking name that resolves to this
// network is refused too), and IP literals before any socket is opened. The clients without an
// override talk to AWS's own endpoints and are left unchecked, since a server inside a VPC may
// reach those through interface endpoints on private addresses.
import http from "node:http";
import https from "node:https";
import { BatchClient } from "@aws-sdk/client-batch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { checkedLookup, isForbiddenLiteral, refusedAddressError } from "@/lib/net/address-policy";
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
/** The SDK's own default for its keep-alive agents. */
const MAX_SOCKETS = 50;

export interface AwsClients {
  config: AwsConfig;
  batch: BatchClient;
  logs: CloudWatchLogsClient;
  /** A hosted install: overrides are address-checked and their failures told without network detail. */
  hosted: boolean;
  destroy(): void;
}

/** The SDK's Node handler, refusing an IP literal the address policy forbids before connecting. */
class CheckedHttpHandler extends NodeHttpHandler {
  override handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
    // Node opens a socket to an IP literal without calling the agent's lookup.
    if (isForbiddenLiteral(args[0].hostname)) return Promise.reject(refusedAddressError());
    return super.handle(...args);
  }
}

function requestHandler(checked: boolean) {
  const timeouts = { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS };
  if (!checked) return timeouts;
  // Agents of this handler's own, so no socket opened without the check is ever reused here.
  const lookup = checkedLookup();
  return new CheckedHttpHandler({
    ...timeouts,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, lookup }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, lookup }),
  });
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
      if (!config.externalId) {
        throw new AppError(
          "INVALID_INPUT",
          "This organization has no external ID for assuming its role yet; an admin can save Settings → Backend to get one.",
        );
      }
      // The role is assumed with the server's own identity when no access key is set: the usual
      // cross-account set-up, where the organization's generated external ID (external-id.ts)
      // is what tells this tenant's trust policy from another's. With the tenant's own access
      // key the tenant's identity assumes the role, so no other tenant can stand in for it, and
      // the external ID is not what protects it; it is sent all the same, so a trust policy
      // written from Settings → Backend works whichever identity assumes the role.
      return fromTemporaryCredentials({
        params: {
          RoleArn: config.roleArn,
          RoleSessionName: `batchdeck-${organizationId}`.slice(0, 64),
          DurationSeconds: ROLE_SESSION_SECONDS,
          ExternalId: config.externalId,
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
  opts: { maxAttempts?: number; hosted?: boolean } = {},
): AwsClients {
  const hosted = opts.hosted ?? env().BATCHDECK_HOSTED;
  const credentials = credentialsOf(config, organizationId);
  const common = {
    region: config.region,
    ...(credentials ? { credentials } : {}),
    maxAttempts: opts.maxAttempts ?? MAX_ATTEMPTS,
    retryMode: "standard",
  } as const;
  const batch = new BatchClient({
    ...common,
    requestHandler: requestHandler(hosted && Boolean(config.batchEndpoint)),
    ...(config.batchEndpoint ? { endpoint: config.batchEndpoint } : {}),
  });
  const logs = new CloudWatchLogsClient({
    ...common,
    requestHandler: requestHandler(hosted && Boolean(config.logsEndpoint)),
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
    hosted,
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

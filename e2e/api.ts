// Clients of Batchdeck's own AWS-compatible API, signed with the first admin's access key (set
// by scripts/e2e-server.mjs and scripts/e2e-hosted-server.mjs), against the web server of the
// running test's project. Specs seed through e2e/seed.ts, which is built on these; the API
// spec drives them directly, since the API is its subject.
import { BatchClient } from "@aws-sdk/client-batch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { test } from "@playwright/test";

export const ADMIN_KEY = {
  accessKeyId: "AKIAE2EADMIN0000TEST",
  secretAccessKey: "e2e-admin-secret-access-key-0000000000",
};

/** The base URL of the web server the running test's project drives. */
export function endpoint(): string {
  const url = test.info().project.use.baseURL;
  if (!url) throw new Error(`project ${test.info().project.name} has no baseURL`);
  return url;
}

export function batchClient(credentials = ADMIN_KEY) {
  return new BatchClient({ endpoint: endpoint(), region: "us-east-1", credentials, maxAttempts: 1 });
}

export function logsClient(credentials = ADMIN_KEY) {
  return new CloudWatchLogsClient({ endpoint: endpoint(), region: "us-east-1", credentials, maxAttempts: 1 });
}

/** A name no earlier spec (or retry) used. */
export const uniqueName = (label: string) =>
  `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

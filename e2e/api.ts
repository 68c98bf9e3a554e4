// Seeding through Batchdeck's own AWS-compatible API, signed with the first admin's access key
// (set by scripts/e2e-server.mjs), for specs whose subject is not the page that creates the
// thing they need: the logs spec needs a queue and a job, not the queue form.
import { BatchClient } from "@aws-sdk/client-batch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

export const ADMIN_KEY = {
  accessKeyId: "AKIAE2EADMIN0000TEST",
  secretAccessKey: "e2e-admin-secret-access-key-0000000000",
};

const endpoint = `http://127.0.0.1:${process.env.E2E_PORT ?? "3217"}`;

export function batchClient(credentials = ADMIN_KEY) {
  return new BatchClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

export function logsClient(credentials = ADMIN_KEY) {
  return new CloudWatchLogsClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

/** A name no earlier spec (or retry) used. */
export const uniqueName = (label: string) =>
  `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

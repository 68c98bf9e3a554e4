// One way to call AWS for the AWS backend: send the command, drop the SDK's $metadata, and turn
// any failure into an AppError in plain words (errors.ts). Also the small helpers the backend
// shares: bounded concurrency and the audit entry written for changes made in AWS.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import type { AwsClients } from "./clients";
import { toAppError } from "./errors";

type WithoutMetadata<T> = Omit<T, "$metadata">;

function site(clients: AwsClients, service: "batch" | "logs") {
  const { config } = clients;
  return {
    service: service === "batch" ? "AWS Batch" : "CloudWatch Logs",
    region: config.region,
    endpoint: service === "batch" ? config.batchEndpoint : config.logsEndpoint,
    secrets: [config.secretAccessKey],
    hosted: clients.hosted,
  };
}

export async function callBatch<T extends { $metadata?: unknown }>(
  clients: AwsClients,
  send: (client: AwsClients["batch"]) => Promise<T>,
): Promise<WithoutMetadata<T>> {
  try {
    const { $metadata: _, ...rest } = await send(clients.batch);
    return rest;
  } catch (error) {
    throw toAppError(error, site(clients, "batch"));
  }
}

export async function callLogs<T extends { $metadata?: unknown }>(
  clients: AwsClients,
  send: (client: AwsClients["logs"]) => Promise<T>,
): Promise<WithoutMetadata<T>> {
  try {
    const { $metadata: _, ...rest } = await send(clients.logs);
    return rest;
  } catch (error) {
    throw toAppError(error, site(clients, "logs"));
  }
}

/** Run `fn` over `items` with at most `limit` calls in flight, results in input order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Changes made in AWS are audited here as they are for the built-in engine (same action names),
 * after AWS accepted them: there is no transaction spanning AWS and the database, and an entry
 * for a change that did not happen would be worse than none.
 */
export async function auditAws(
  ctx: OrgContext,
  entry: { action: string; targetType: string; targetId: string; details?: Record<string, unknown> },
): Promise<void> {
  await recordAudit(ctx.db, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    ...entry,
    details: { ...entry.details, backend: "aws" },
  });
}

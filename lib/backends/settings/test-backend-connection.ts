// Settings → Backend, "Test connection": the settings in the form (saved or not) tried with two
// cheap reads, AWS Batch's DescribeJobQueues (maxResults 1) and CloudWatch Logs'
// DescribeLogStreams, and the outcome said exactly: which service, and DNS, network,
// credentials, permission, region or AWS itself. The clients are built for this call only and
// retry little, so a wrong setting is reported in seconds.
import { DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { DescribeLogStreamsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { type AwsClients, createAwsClients } from "@/lib/backends/aws/clients";
import type { AwsConfig } from "@/lib/backends/aws/config";
import { type AwsFailureKind, classifyAwsError } from "@/lib/backends/aws/errors";
import { ensureAwsExternalId } from "@/lib/backends/aws/external-id";
import { DEFAULT_LOG_GROUP } from "@/lib/backends/aws/logs";
import { AppError } from "@/lib/errors";
import { resolveAwsConfig } from "./resolve-aws-config";
import type { BackendSettingsInput } from "./schemas";

export type ConnectionTestResult =
  | { ok: true; message: string }
  | { ok: false; kind: AwsFailureKind | "settings"; message: string };

const LABELS: Record<AwsFailureKind, string> = {
  dns: "DNS",
  network: "Network",
  credentials: "Credentials",
  permission: "Permission denied",
  region: "Region",
  throttled: "Throttled",
  server: "AWS error",
  client: "Request refused",
  "not-found": "Not found",
};

type Service = "AWS Batch" | "CloudWatch Logs";

const PERMISSION_HINTS: Record<Service, string> = {
  "AWS Batch": "Allow batch:DescribeJobQueues (and the other batch: actions).",
  "CloudWatch Logs": "Allow logs:DescribeLogStreams and logs:GetLogEvents on the log group /aws/batch/job.",
};

export async function testBackendConnection(
  ctx: OrgContext,
  input: BackendSettingsInput,
): Promise<ConnectionTestResult> {
  if (input.backend === "builtin") {
    return { ok: true, message: "The built-in engine runs on this server: there is nothing to connect to." };
  }
  const stored = await ctx.db.awsBackendConfig.findUnique({ where: { organizationId: ctx.organizationId } });
  const externalId = await ensureAwsExternalId(ctx.db, ctx.organizationId);
  const { config } = resolveAwsConfig(input, stored, externalId);
  let result: ConnectionTestResult;
  let clients: AwsClients | undefined;
  try {
    clients = createAwsClients(config, ctx.organizationId, { maxAttempts: 2 });
    result = await probe(clients, config);
  } catch (error) {
    // Settings the clients cannot even be built from (a hosted install's default chain…).
    if (!(error instanceof AppError)) throw error;
    result = { ok: false, kind: "settings", message: error.message };
  } finally {
    clients?.destroy();
  }
  await recordAudit(ctx.db, {
    organizationId: ctx.organizationId,
    actor: ctx.actor,
    action: "organization.backend.testConnection",
    targetType: "organization",
    targetId: ctx.organizationId,
    details: {
      region: config.region,
      credentialMode: config.credentialMode,
      ok: result.ok,
      ...(result.ok ? {} : { kind: result.kind }),
    },
  });
  return result;
}

async function probe(clients: AwsClients, config: AwsConfig): Promise<ConnectionTestResult> {
  let service: Service = "AWS Batch";
  try {
    const out = await clients.batch.send(new DescribeJobQueuesCommand({ maxResults: 1 }));
    service = "CloudWatch Logs";
    await logsAnswer(clients);
    const where = config.batchEndpoint ? ` at ${config.batchEndpoint}` : "";
    const found = out.jobQueues?.length ? "" : " (there are none yet)";
    return {
      ok: true,
      message: `Connected to AWS Batch in ${config.region}${where} and can list job queues${found}; CloudWatch Logs answers too.`,
    };
  } catch (error) {
    const failure = classifyAwsError(error, {
      service,
      region: config.region,
      endpoint: service === "AWS Batch" ? config.batchEndpoint : config.logsEndpoint,
      secrets: [config.secretAccessKey],
      hosted: clients.hosted,
    });
    const hint = failure.kind === "permission" ? ` ${PERMISSION_HINTS[service]}` : "";
    return { ok: false, kind: failure.kind, message: `${LABELS[failure.kind]}: ${failure.message}${hint}` };
  }
}

/**
 * CloudWatch Logs has its own endpoint and permissions, and is where job logs come from. A log
 * group that does not exist yet (no job has run) still means the service answered and allowed
 * the call.
 */
async function logsAnswer(clients: AwsClients): Promise<void> {
  try {
    await clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: DEFAULT_LOG_GROUP, limit: 1 }));
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return;
    throw error;
  }
}

// Settings → Backend, "Test connection": the settings in the form (saved or not) tried with one
// cheap read, DescribeJobQueues with maxResults 1, and the outcome said exactly: DNS, network,
// credentials, permission, region or AWS itself. The clients are built for this call only and
// retry little, so a wrong setting is reported in seconds.
import { DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { createAwsClients } from "@/lib/backends/aws/clients";
import { type AwsFailureKind, classifyAwsError } from "@/lib/backends/aws/errors";
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

export async function testBackendConnection(
  ctx: OrgContext,
  input: BackendSettingsInput,
): Promise<ConnectionTestResult> {
  if (input.backend === "builtin") {
    return { ok: true, message: "The built-in engine runs on this server: there is nothing to connect to." };
  }
  const stored = await ctx.db.awsBackendConfig.findUnique({ where: { organizationId: ctx.organizationId } });
  const { config } = resolveAwsConfig(input, stored);
  let result: ConnectionTestResult;
  let clients: ReturnType<typeof createAwsClients> | undefined;
  try {
    clients = createAwsClients(config, ctx.organizationId, { maxAttempts: 2 });
    const out = await clients.batch.send(new DescribeJobQueuesCommand({ maxResults: 1 }));
    const where = config.batchEndpoint ? ` at ${config.batchEndpoint}` : "";
    const found = out.jobQueues?.length ? "and can list job queues" : "and can list job queues (there are none yet)";
    result = { ok: true, message: `Connected to AWS Batch in ${config.region}${where} ${found}.` };
  } catch (error) {
    if (error instanceof AppError) {
      result = { ok: false, kind: "settings", message: error.message };
    } else {
      const failure = classifyAwsError(error, {
        service: "AWS Batch",
        region: config.region,
        endpoint: config.batchEndpoint,
        secrets: [config.secretAccessKey],
      });
      const hint =
        failure.kind === "permission" ? " Allow batch:DescribeJobQueues (and the other batch: actions)." : "";
      result = { ok: false, kind: failure.kind, message: `${LABELS[failure.kind]}: ${failure.message}${hint}` };
    }
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

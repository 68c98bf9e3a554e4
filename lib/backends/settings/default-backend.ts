// BATCHDECK_DEFAULT_BACKEND=aws for headless self-hosted setups: on first run the first
// organization is put on AWS Batch with what the AWS SDK itself reads from the environment:
// AWS_REGION (or AWS_DEFAULT_REGION), credentials through the default chain (AWS_ACCESS_KEY_ID
// and AWS_SECRET_ACCESS_KEY, a profile, an instance role…), and the service endpoints
// AWS_ENDPOINT_URL_BATCH and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS (or AWS_ENDPOINT_URL for both).
// The credentials stay in the environment; nothing secret is written to the database.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { REGION_PATTERN } from "./schemas";

export interface DefaultAwsSettings {
  region: string;
  batchEndpoint: string | null;
  logsEndpoint: string | null;
}

export function awsSettingsFromEnvironment(source: Record<string, string | undefined>): DefaultAwsSettings {
  const region = source.AWS_REGION || source.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error("BATCHDECK_DEFAULT_BACKEND=aws needs AWS_REGION (the region of the AWS Batch to drive).");
  }
  if (!REGION_PATTERN.test(region)) throw new Error(`AWS_REGION: "${region}" is not an AWS region such as us-east-1.`);
  return {
    region,
    batchEndpoint: source.AWS_ENDPOINT_URL_BATCH || source.AWS_ENDPOINT_URL || null,
    logsEndpoint: source.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS || source.AWS_ENDPOINT_URL || null,
  };
}

export async function putOrganizationOnAws(
  db: Db,
  organizationId: string,
  settings: DefaultAwsSettings,
): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const data = { ...settings, credentialMode: "default-chain" };
    await tx.awsBackendConfig.upsert({
      where: { organizationId },
      create: { organizationId, ...data },
      update: data,
    });
    await tx.organization.update({ where: { id: organizationId }, data: { backend: "aws" } });
    await recordAudit(tx, {
      organizationId,
      actor: { userId: null, email: "BATCHDECK_DEFAULT_BACKEND", source: "system" },
      action: "organization.backend.update",
      targetType: "organization",
      targetId: organizationId,
      details: { backend: "aws", ...data },
    });
  });
}

// How an organization on the AWS backend reaches AWS Batch: the stored row (AwsBackendConfig)
// opened into what the SDK clients need. The secret access key is sealed at rest with
// lib/secrets.ts and bound to the organization id, so a sealed value copied onto another
// organization's row does not open there. Nothing in this file returns the secret to a caller
// that shows things to people: `publicAwsConfig` is the only view that leaves the server.
import type { DbOrTx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { decryptSecret, encryptSecret, SecretError } from "@/lib/secrets";

export const CREDENTIAL_MODES = ["keys", "assume-role", "default-chain"] as const;
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];

export const isCredentialMode = (value: unknown): value is CredentialMode =>
  typeof value === "string" && (CREDENTIAL_MODES as readonly string[]).includes(value);

/** Everything the clients need, with the secret opened. Server-side only. */
export interface AwsConfig {
  region: string;
  credentialMode: CredentialMode;
  accessKeyId?: string;
  secretAccessKey?: string;
  roleArn?: string;
  /** The organization's generated external ID (external-id.ts), sent whenever a role is assumed. */
  externalId?: string;
  batchEndpoint?: string;
  logsEndpoint?: string;
}

/** The stored row as Prisma returns it. */
export interface AwsConfigRow {
  organizationId: string;
  region: string;
  credentialMode: string;
  accessKeyId: string | null;
  secretAccessKeySealed: string | null;
  roleArn: string | null;
  batchEndpoint: string | null;
  logsEndpoint: string | null;
  updatedAt: Date;
}

/** What the settings page may show: whether a secret is set, never the secret. */
export interface PublicAwsConfig {
  region: string;
  credentialMode: CredentialMode;
  accessKeyId: string | null;
  secretAccessKeySet: boolean;
  roleArn: string | null;
  batchEndpoint: string | null;
  logsEndpoint: string | null;
  updatedAt: Date;
}

export const awsSecretContext = (organizationId: string) => `aws-backend:${organizationId}`;

export const sealAwsSecret = (organizationId: string, secret: string) =>
  encryptSecret(secret, { context: awsSecretContext(organizationId) });

/** The row opened for the clients; `externalId` is the organization's (Organization.awsExternalId). */
export function openAwsConfig(row: AwsConfigRow, externalId?: string | null): AwsConfig {
  if (!isCredentialMode(row.credentialMode)) {
    throw new AppError("INVALID_INPUT", `The stored AWS credential mode "${row.credentialMode}" is not known.`);
  }
  let secretAccessKey: string | undefined;
  if (row.secretAccessKeySealed) {
    try {
      secretAccessKey = decryptSecret(row.secretAccessKeySealed, { context: awsSecretContext(row.organizationId) });
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      // Usually a missing or rotated BATCHDECK_SECRET_KEY: say so rather than "credentials refused".
      throw new AppError(
        "INVALID_INPUT",
        `The stored AWS secret access key cannot be opened: ${error.message} An admin can enter it again in Settings → Backend.`,
      );
    }
  }
  return {
    region: row.region,
    credentialMode: row.credentialMode,
    accessKeyId: row.accessKeyId ?? undefined,
    secretAccessKey,
    roleArn: row.roleArn ?? undefined,
    ...(externalId ? { externalId } : {}),
    batchEndpoint: row.batchEndpoint ?? undefined,
    logsEndpoint: row.logsEndpoint ?? undefined,
  };
}

export function publicAwsConfig(row: AwsConfigRow): PublicAwsConfig {
  return {
    region: row.region,
    credentialMode: isCredentialMode(row.credentialMode) ? row.credentialMode : "keys",
    accessKeyId: row.accessKeyId,
    secretAccessKeySet: Boolean(row.secretAccessKeySealed),
    roleArn: row.roleArn,
    batchEndpoint: row.batchEndpoint,
    logsEndpoint: row.logsEndpoint,
    updatedAt: row.updatedAt,
  };
}

/**
 * The server's default credential chain (environment, shared files, instance role) is the
 * server operator's identity: on a hosted, multi-tenant install, handing it to an organization
 * would let any admin act as the operator in AWS.
 */
export function defaultChainProblem(mode: CredentialMode, hosted = env().BATCHDECK_HOSTED): string | null {
  if (mode === "default-chain" && hosted) {
    return "The server's default AWS credentials are available only on self-hosted installations; use an access key or a role to assume.";
  }
  return null;
}

/** The stored row, with the organization's external ID beside it. */
export async function readAwsConfigRow(
  db: DbOrTx,
  organizationId: string,
): Promise<(AwsConfigRow & { externalId: string | null }) | null> {
  const row = await db.awsBackendConfig.findUnique({
    where: { organizationId },
    include: { organization: { select: { awsExternalId: true } } },
  });
  if (!row) return null;
  const { organization, ...config } = row;
  return { ...config, externalId: organization.awsExternalId };
}

// Which backend an organization runs on, and its AWS clients when that is AWS Batch. This is
// on the path of every /v1 call and every page, so it is one raw statement (a Prisma-built
// query costs about three times as much here): the backend, and the AWS settings' updatedAt
// as the key of the cached clients. The settings row itself is read only when that key
// changes, that is, once per saved configuration per process.
import type { OrgContext } from "@/lib/auth/context";
import type { DbOrTx } from "@/lib/db";
import { rawSql } from "@/lib/db/direct";
import { AppError } from "@/lib/errors";
import { type AwsClients, cachedAwsClients, peekAwsClients } from "./clients";
import { openAwsConfig, readAwsConfigRow } from "./config";

interface BackendRow {
  backend: string;
  configUpdatedAt: Date | string | number | bigint | null;
}

export interface OrganizationBackend {
  backend: string;
  /** The AWS settings' version as the database reports it; null when there are none. */
  configStamp: string | null;
}

const stampOf = (value: BackendRow["configUpdatedAt"]) =>
  value === null || value === undefined ? null : value instanceof Date ? String(value.getTime()) : String(value);

export async function organizationBackend(db: DbOrTx, organizationId: string): Promise<OrganizationBackend> {
  const rows = await rawSql(db).$queryRaw<BackendRow[]>`
    SELECT o."backend" AS "backend", c."updatedAt" AS "configUpdatedAt"
    FROM "Organization" o LEFT JOIN "AwsBackendConfig" c ON c."organizationId" = o."id"
    WHERE o."id" = ${organizationId}`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", "Organization was not found.");
  return { backend: row.backend, configStamp: stampOf(row.configUpdatedAt) };
}

/** The organization's AWS clients for the settings version `configStamp`. */
export async function clientsOf(db: DbOrTx, organizationId: string, configStamp: string | null): Promise<AwsClients> {
  if (configStamp === null) {
    throw new AppError(
      "INVALID_INPUT",
      "This organization is set to run on AWS Batch but has no AWS settings; an admin can add them in Settings → Backend.",
    );
  }
  const cached = peekAwsClients(organizationId, configStamp);
  if (cached) return cached;
  const row = await readAwsConfigRow(db, organizationId);
  if (!row) return clientsOf(db, organizationId, null);
  return cachedAwsClients(organizationId, configStamp, () => openAwsConfig(row, row.externalId));
}

/** The AWS clients of an organization on AWS Batch, or null when it runs on the built-in engine. */
export async function awsClientsFor(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<AwsClients | null> {
  const { backend, configStamp } = await organizationBackend(ctx.db, ctx.organizationId);
  return backend === "aws" ? clientsOf(ctx.db, ctx.organizationId, configStamp) : null;
}

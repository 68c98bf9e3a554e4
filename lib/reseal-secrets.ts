// Key rotation, second half: after BATCHDECK_SECRET_KEY is replaced and the old key listed in
// BATCHDECK_SECRET_KEY_PREVIOUS, every sealed value still names the old key. This re-seals each
// one under the primary key (same context, so it stays bound to its row), a batch at a time,
// and only where the row still holds the value it read, so a concurrent save is never
// overwritten. Once it reports nothing left under an old key, that key can be dropped.
// Run at startup by scripts/prepare.ts; it is cheap when there is nothing to do.
import { connectionSecretContext, signingSecretContext } from "@/lib/automation/event-destinations";
import { awsSecretContext } from "@/lib/backends/aws/config";
import type { Db } from "@/lib/db";
import { orgSecretContext } from "@/lib/org-secrets/seal";
import {
  decryptSecret,
  defaultKeyring,
  encryptSecret,
  type Keyring,
  needsReencryption,
  SecretError,
} from "@/lib/secrets";
import { ssoSecretContext } from "@/lib/sso/seal";

export interface ResealResult {
  /** Values moved to the primary key. */
  resealed: number;
  /** Values sealed with a key that is not configured (or altered): left as they are. */
  unreadable: number;
}

const BATCH = 200;

export async function resealSecrets(db: Db, keyring: Keyring = defaultKeyring()): Promise<ResealResult> {
  const result: ResealResult = { resealed: 0, unreadable: 0 };
  const reseal = (sealed: string, context: string): string | null => {
    try {
      return encryptSecret(decryptSecret(sealed, { context, keyring }), { context, keyring });
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      result.unreadable++;
      return null;
    }
  };

  // Access-key secrets, bound to their access key id.
  for (let cursor: string | undefined; ; ) {
    const rows = await db.accessKey.findMany({
      select: { id: true, accessKeyId: true, secretEncrypted: true },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      if (!needsReencryption(row.secretEncrypted, keyring)) continue;
      const next = reseal(row.secretEncrypted, row.accessKeyId);
      if (next === null) continue;
      const { count } = await db.accessKey.updateMany({
        where: { id: row.id, secretEncrypted: row.secretEncrypted },
        data: { secretEncrypted: next },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.id;
  }

  // AWS secret access keys, bound to their organization.
  for (let cursor: string | undefined; ; ) {
    const rows = await db.awsBackendConfig.findMany({
      where: { secretAccessKeySealed: { not: null } },
      select: { organizationId: true, secretAccessKeySealed: true },
      orderBy: { organizationId: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { organizationId: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      const sealed = row.secretAccessKeySealed;
      if (!sealed || !needsReencryption(sealed, keyring)) continue;
      const next = reseal(sealed, awsSecretContext(row.organizationId));
      if (next === null) continue;
      const { count } = await db.awsBackendConfig.updateMany({
        where: { organizationId: row.organizationId, secretAccessKeySealed: sealed },
        data: { secretAccessKeySealed: next },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.organizationId;
  }

  // Organization secrets (Settings → Secrets), bound to their organization and row.
  for (let cursor: string | undefined; ; ) {
    const rows = await db.orgSecret.findMany({
      select: { id: true, organizationId: true, valueSealed: true, updatedAt: true },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      if (!needsReencryption(row.valueSealed, keyring)) continue;
      const next = reseal(row.valueSealed, orgSecretContext(row.organizationId, row.id));
      if (next === null) continue;
      const { count } = await db.orgSecret.updateMany({
        where: { id: row.id, valueSealed: row.valueSealed },
        // Re-sealing is not a change of value: "updated" in the console keeps its date.
        data: { valueSealed: next, updatedAt: row.updatedAt },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.id;
  }

  // Organizations' single sign-on client secrets, bound to their organization.
  for (let cursor: string | undefined; ; ) {
    const rows = await db.ssoProvider.findMany({
      select: { organizationId: true, clientSecretSealed: true, updatedAt: true },
      orderBy: { organizationId: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { organizationId: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      if (!needsReencryption(row.clientSecretSealed, keyring)) continue;
      const next = reseal(row.clientSecretSealed, ssoSecretContext(row.organizationId));
      if (next === null) continue;
      const { count } = await db.ssoProvider.updateMany({
        where: { organizationId: row.organizationId, clientSecretSealed: row.clientSecretSealed },
        data: { clientSecretSealed: next, updatedAt: row.updatedAt },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.organizationId;
  }

  // Webhook endpoints' signing secrets and their connections' authorization headers, each bound
  // to its row.
  for (let cursor: string | undefined; ; ) {
    const rows = await db.apiDestination.findMany({
      select: { id: true, signingSecretSealed: true },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      if (!needsReencryption(row.signingSecretSealed, keyring)) continue;
      const next = reseal(row.signingSecretSealed, signingSecretContext(row.id));
      if (next === null) continue;
      const { count } = await db.apiDestination.updateMany({
        where: { id: row.id, signingSecretSealed: row.signingSecretSealed },
        data: { signingSecretSealed: next },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.id;
  }
  for (let cursor: string | undefined; ; ) {
    const rows = await db.eventConnection.findMany({
      where: { authHeaderSealed: { not: null } },
      select: { id: true, authHeaderSealed: true },
      orderBy: { id: "asc" },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of rows) {
      const sealed = row.authHeaderSealed;
      if (!sealed || !needsReencryption(sealed, keyring)) continue;
      const next = reseal(sealed, connectionSecretContext(row.id));
      if (next === null) continue;
      const { count } = await db.eventConnection.updateMany({
        where: { id: row.id, authHeaderSealed: sealed },
        data: { authHeaderSealed: next },
      });
      result.resealed += count;
    }
    if (rows.length < BATCH) break;
    cursor = rows[rows.length - 1]?.id;
  }
  return result;
}

// An organization's client secret at rest: sealed under BATCHDECK_SECRET_KEY (lib/secrets.ts) and
// bound to its row, which is the organization's (SsoProvider's key), so a ciphertext copied onto
// another organization's provider does not open there. Re-sealed on key rotation with the rest
// (lib/reseal-secrets.ts).
import { decryptSecret, encryptSecret, type Keyring } from "@/lib/secrets";

export const ssoSecretContext = (organizationId: string) => `sso-client-secret:${organizationId}`;

export function sealSsoClientSecret(organizationId: string, secret: string, keyring?: Keyring): string {
  return encryptSecret(secret, { context: ssoSecretContext(organizationId), keyring });
}

/** Throws SecretError when the key that sealed it is gone or the row was tampered with. */
export function openSsoClientSecret(row: { organizationId: string; clientSecretSealed: string }, keyring?: Keyring) {
  return decryptSecret(row.clientSecretSealed, { context: ssoSecretContext(row.organizationId), keyring });
}

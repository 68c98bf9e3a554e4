// A secret's value at rest: sealed under BATCHDECK_SECRET_KEY (lib/secrets.ts) and bound to its
// organization and row, so a ciphertext copied onto another secret or another organization's
// row does not open there. Replacing a value keeps the row, hence the binding.
import { decryptSecret, encryptSecret, type Keyring } from "@/lib/secrets";

export const orgSecretContext = (organizationId: string, id: string) => `org-secret:${organizationId}:${id}`;

export function sealOrgSecret(row: { organizationId: string; id: string }, value: string, keyring?: Keyring): string {
  return encryptSecret(value, { context: orgSecretContext(row.organizationId, row.id), keyring });
}

/** Throws SecretError when the key that sealed it is gone or the row was tampered with. */
export function openOrgSecret(row: { organizationId: string; id: string; valueSealed: string }, keyring?: Keyring) {
  return decryptSecret(row.valueSealed, { context: orgSecretContext(row.organizationId, row.id), keyring });
}

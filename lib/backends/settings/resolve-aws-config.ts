// The AWS configuration a submitted form stands for: its fields, plus the stored secret when
// the secret field was left blank for the same access key, plus the organization's generated
// external ID (never one from the form). Shared by save and test, so "Test connection" tests
// exactly what "Save" would store.
import type { AwsConfig, AwsConfigRow } from "@/lib/backends/aws/config";
import { defaultChainProblem, openAwsConfig } from "@/lib/backends/aws/config";
import { typedExternalIdProblem } from "@/lib/backends/aws/external-id";
import { invalid } from "@/lib/errors";
import type { BackendSettingsInput } from "./schemas";

export interface ResolvedAwsConfig {
  config: AwsConfig;
  /** True when the form carried a new secret (rather than keeping the stored one). */
  secretChanged: boolean;
}

/** `externalId`: the organization's own (ensureAwsExternalId), sent when the role is assumed. */
export function resolveAwsConfig(
  input: BackendSettingsInput,
  stored: AwsConfigRow | null,
  externalId: string,
): ResolvedAwsConfig {
  const mode = input.credentialMode;
  const hosted = defaultChainProblem(mode);
  if (hosted) throw invalid(hosted, { credentialMode: [hosted] });
  // A form from before the ID was generated, or a hand-made request: refused rather than
  // silently dropped, so whoever typed it learns which ID the trust policy must name. Not a
  // field error: the form has no such field to show it beside.
  if (input.externalId && input.externalId !== externalId) throw invalid(typedExternalIdProblem(externalId));

  const usesKeys = mode === "keys" || (mode === "assume-role" && input.accessKeyId !== "");
  let secretAccessKey: string | undefined;
  let secretChanged = false;
  if (usesKeys) {
    if (input.secretAccessKey) {
      secretAccessKey = input.secretAccessKey;
      secretChanged = true;
    } else if (stored?.secretAccessKeySealed && stored.accessKeyId === input.accessKeyId) {
      secretAccessKey = openAwsConfig(stored).secretAccessKey;
    } else {
      const message = stored?.secretAccessKeySealed
        ? "Enter the secret access key of this new access key id."
        : "Enter the secret access key.";
      throw invalid(message, { secretAccessKey: [message] });
    }
  }
  return {
    config: {
      region: input.region,
      credentialMode: mode,
      ...(usesKeys ? { accessKeyId: input.accessKeyId, secretAccessKey } : {}),
      ...(mode === "assume-role" ? { roleArn: input.roleArn, externalId } : {}),
      ...(input.batchEndpoint ? { batchEndpoint: input.batchEndpoint } : {}),
      ...(input.logsEndpoint ? { logsEndpoint: input.logsEndpoint } : {}),
    },
    secretChanged,
  };
}

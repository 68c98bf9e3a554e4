// Secrets must never reach a log line or an error message. Two nets: values of fields whose
// names say they hold a secret are replaced whole, and known secret strings (the configured
// ones, or those a caller names) are cut out of any text.

const SECRET_FIELD = /secret|password|passwd|token|authorization|cookie|credential|private.?key|signature/i;

/** Configuration values that are secrets: never printed, wherever they turn up. */
const SECRET_VARIABLES = [
  "BATCHDECK_SECRET_KEY",
  "BATCHDECK_SECRET_KEY_PREVIOUS",
  "BATCHDECK_ADMIN_PASSWORD",
  "BATCHDECK_ADMIN_SECRET_ACCESS_KEY",
  "BATCHDECK_METRICS_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
];

export const REDACTED = "****";

/** Replaces every occurrence of each secret (4 characters or more) in text. */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** The secret values in the configuration (comma-separated lists split), read on each call. */
export function configuredSecrets(source: Record<string, string | undefined> = process.env): string[] {
  return SECRET_VARIABLES.flatMap((name) => (source[name] ?? "").split(",").map((v) => v.trim())).filter(
    (v) => v.length >= 4,
  );
}

// Settings → Backend: the form's shape. Every field arrives as text from the form; the AWS
// fields are checked only when the organization is to run on AWS. The secret access key is
// write-only: left blank, the stored one is kept (save-backend-settings.ts decides whether one
// is needed). There is no external ID to enter: Batchdeck generates it (external-id.ts), and
// one sent all the same is refused by resolve-aws-config.ts, which knows the organization's.
import { isIP } from "node:net";
import { z } from "zod";
import { CREDENTIAL_MODES } from "@/lib/backends/aws/config";
import { env } from "@/lib/env";
import { isForbiddenAddress } from "@/lib/net/address-policy";

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const text = (max: number) => z.string().trim().max(max, `Must be at most ${max} characters.`).optional().default("");

export const backendSettingsInput = z
  .object({
    backend: z.enum(["builtin", "aws"], { message: "Choose the built-in engine or AWS Batch." }),
    region: text(64),
    credentialMode: z
      .enum(CREDENTIAL_MODES, { message: "Choose how Batchdeck signs in to AWS." })
      .optional()
      .default("keys"),
    accessKeyId: text(128),
    // Not trimmed: a secret is taken exactly as pasted, apart from a stray newline.
    secretAccessKey: z
      .string()
      .max(256, "Must be at most 256 characters.")
      .optional()
      .default("")
      .transform((s) => s.replace(/[\r\n]+$/, "")),
    roleArn: text(2048),
    // Not a setting: accepted here only so that resolve-aws-config.ts can refuse it in words.
    externalId: text(1224),
    batchEndpoint: text(2048),
    logsEndpoint: text(2048),
  })
  .superRefine((input, ctx) => {
    if (input.backend !== "aws") return;
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (!REGION_PATTERN.test(input.region)) issue("region", "Enter an AWS region such as us-east-1.");
    if (input.accessKeyId && !ACCESS_KEY_ID_PATTERN.test(input.accessKeyId)) {
      issue("accessKeyId", "An access key id is 16 to 128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE.");
    }
    if (input.credentialMode === "keys" && !input.accessKeyId) issue("accessKeyId", "Enter the access key id.");
    if (input.credentialMode === "assume-role") {
      if (!ROLE_ARN_PATTERN.test(input.roleArn)) {
        issue("roleArn", "Enter a role ARN such as arn:aws:iam::123456789012:role/batchdeck.");
      }
    }
    for (const field of ["batchEndpoint", "logsEndpoint"] as const) {
      const problem = input[field] ? endpointProblem(input[field], env().BATCHDECK_HOSTED) : null;
      if (problem) issue(field, problem);
    }
  });

export type BackendSettingsInput = z.output<typeof backendSettingsInput>;

/**
 * On a hosted install the server sends signed requests wherever an organization's admin points
 * it, so there the endpoint must be https and must not name this network's own addresses
 * (loopback, private and link-local ranges, where cloud metadata services live). This is the
 * early answer, by the name as typed; a host name that resolves to such an address is refused
 * when the clients connect (lib/backends/aws/clients.ts checks every address it resolves to).
 */
export function endpointProblem(value: string, hosted: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a URL such as https://batch.example.com.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The endpoint must be an http:// or https:// URL.";
  if (url.username || url.password) return "Put credentials in the credential fields, not in the endpoint URL.";
  if (url.search || url.hash) return "The endpoint must not have a query or fragment.";
  if (hosted) {
    if (url.protocol !== "https:") return "The endpoint must be an https:// URL.";
    if (isInternalHost(url.hostname)) return "The endpoint must be a public address, not one of this network's own.";
  }
  return null;
}

function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(host) !== 0) return isForbiddenAddress(host);
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal");
}
